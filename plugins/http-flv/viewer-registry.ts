/** The plugin's live viewers: counted per protocol, capped, closed together when the plugin stops. */
import { LimitExceededError } from 'xlive/sdk';
import type { FlvCloseReason } from './flv-transport.js';
import type { FlvProtocol, FlvViewer } from './flv-viewer.js';

export class ViewerRegistry {
  private readonly viewers = new Set<FlvViewer>();

  constructor(public maxViewers: number) {}

  get size(): number {
    return this.viewers.size;
  }

  count(protocol: FlvProtocol): number {
    let n = 0;
    for (const v of this.viewers) if (v.protocol === protocol) n++;
    return n;
  }

  /** Throws LimitExceededError when another viewer would exceed `maxViewers`. */
  assertCapacity(): void {
    if (this.viewers.size >= this.maxViewers) {
      throw new LimitExceededError(`flv viewer limit reached (${this.maxViewers})`, { details: { maxViewers: this.maxViewers } });
    }
  }

  add(viewer: FlvViewer): void {
    this.viewers.add(viewer);
  }

  remove(viewer: FlvViewer): void {
    this.viewers.delete(viewer);
  }

  closeAll(reason: FlvCloseReason): void {
    for (const v of [...this.viewers]) v.close(reason);
  }
}
