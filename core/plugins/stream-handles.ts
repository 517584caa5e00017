import type { Publisher, PublisherInfo, Reader, ReaderSink, StreamApi, SubscribeOptions } from '../sdk/streams.js';
import type { FaultBoundary } from './plugin-faults.js';

/**
 * The readers and publishers one plugin holds in the hub. Its sinks run behind its fault boundary (a
 * throwing `write` is the plugin's fault and the hub ends only that reader), and `release()` detaches
 * what the plugin left behind when it stops or fails.
 */
export class StreamHandles {
  private readonly readers = new Set<Reader>();
  private readonly publishers = new Set<Publisher>();

  constructor(
    private readonly hub: Pick<StreamApi, 'subscribe' | 'publish'>,
    private readonly faults: FaultBoundary,
  ) {}

  subscribe(path: string, options: SubscribeOptions): Reader {
    const { sink } = options;
    const faults = this.faults;
    let handle: Reader | undefined;
    let ended = false;
    let writes = 0;
    const guarded: ReaderSink = {
      // Per frame and reader, so one write in 16 is timed (a clock read costs more than the write) and
      // nothing is allocated per call.
      write(frame) {
        const t0 = (++writes & 15) === 0 ? faults.clock() : -1;
        try {
          return sink.write(frame);
        } catch (err) {
          faults.fault('reader', err);
          throw err; // the hub ends this reader only
        } finally {
          if (t0 >= 0) faults.took('reader', t0);
        }
      },
      close: (reason) => {
        ended = true; // possibly before subscribe returns (a sink that throws on the GOP replay)
        if (handle) this.readers.delete(handle);
        faults.call('reader', () => sink.close(reason));
      },
    };
    const reader = this.hub.subscribe(path, { ...options, sink: guarded });
    handle = {
      id: reader.id,
      path: reader.path,
      stats: reader.stats,
      resume: () => reader.resume(),
      close: () => {
        this.readers.delete(handle!);
        reader.close();
      },
    };
    if (!ended) this.readers.add(handle);
    return handle;
  }

  publish(path: string, info: PublisherInfo): Publisher {
    const p = this.hub.publish(path, info);
    this.publishers.add(p);
    p.signal.addEventListener('abort', () => this.publishers.delete(p), { once: true });
    return p;
  }

  get size(): { readers: number; publishers: number } {
    return { readers: this.readers.size, publishers: this.publishers.size };
  }

  /** Detach every reader and end every publisher the plugin still holds. */
  release(reason: string): void {
    for (const r of [...this.readers]) r.close();
    for (const p of [...this.publishers]) p.close(reason);
    this.readers.clear();
    this.publishers.clear();
  }
}
