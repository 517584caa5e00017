/**
 * Free space of the filesystem under one store root, against a watermark (the larger of a byte
 * floor and a percentage), with the pause/resume state recording uses: paused when a write would
 * leave less than the watermark, resumed only once free space is back above watermark + margin
 * (hysteresis, so it does not flap on every segment).
 */
import { statfs } from 'node:fs/promises';
import { fsError } from './safe-root.js';
import type { StatfsFn } from './types.js';

export interface SpaceSample {
  bytesFree: number;
  bytesTotal: number;
}

export interface SpaceLimits {
  minFreeBytes: number;
  minFreePercent: number;
  /** Hysteresis for resume (0: resume as soon as the watermark is met). */
  resumeMarginBytes: number;
}

export type SpaceTransition = 'paused' | 'resumed' | null;

/** `fs.statfs` of `path`: blocks available to unprivileged users, as bytes. */
export const realStatfs: StatfsFn = async (path) => {
  try {
    const s = await statfs(path);
    return { bytesFree: s.bavail * s.bsize, bytesTotal: s.blocks * s.bsize };
  } catch (err) {
    throw fsError(err, `statfs ${path}`);
  }
};

export class SpaceWatch {
  private sampleValue: SpaceSample = { bytesFree: 0, bytesTotal: 0 };
  private isPaused = false;

  constructor(
    readonly root: string,
    private readonly statfsFn: StatfsFn,
    private readonly limits: SpaceLimits,
  ) {}

  get paused(): boolean {
    return this.isPaused;
  }

  /** The last sample (zeros before the first). */
  get last(): SpaceSample {
    return this.sampleValue;
  }

  async sample(): Promise<SpaceSample> {
    const s = await this.statfsFn(this.root);
    this.sampleValue = { bytesFree: Math.max(0, s.bytesFree), bytesTotal: Math.max(0, s.bytesTotal) };
    return this.sampleValue;
  }

  /** Free bytes below which the filesystem is "nearly full". */
  watermark(s: SpaceSample = this.sampleValue): number {
    return Math.max(this.limits.minFreeBytes, Math.ceil((s.bytesTotal * this.limits.minFreePercent) / 100));
  }

  /** Free bytes recording needs before it resumes. */
  resumeAt(s: SpaceSample = this.sampleValue): number {
    return this.watermark(s) + this.limits.resumeMarginBytes;
  }

  /** Bytes to free so that writing `incoming` keeps free space at or above the watermark. */
  shortfall(s: SpaceSample, incoming: number): number {
    return Math.max(0, this.watermark(s) + incoming - s.bytesFree);
  }

  /** Update the pause state for a write of `incoming` bytes (0 for a periodic check). */
  evaluate(s: SpaceSample, incoming: number): SpaceTransition {
    if (this.isPaused) {
      if (s.bytesFree >= this.resumeAt(s) && s.bytesFree - incoming >= this.watermark(s)) {
        this.isPaused = false;
        return 'resumed';
      }
      return null;
    }
    if (s.bytesFree - incoming < this.watermark(s)) {
      this.isPaused = true;
      return 'paused';
    }
    return null;
  }
}
