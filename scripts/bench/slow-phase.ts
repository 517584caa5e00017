import type { RunningServer } from './bench-target.js';
import { memoryKiB } from './proc-stats.js';
import { sleep } from './ports.js';
import { SlowHttpFlvViewer, SlowRtmpViewer, type SlowViewer } from './slow-viewer.js';
import type { ViewerProtocol } from './viewer-phase.js';

/**
 * Slow viewers: they join and stop reading for a while. Measured: how much the server's RSS grows
 * meanwhile (what it buffers for them), and how many it dropped by the end.
 */

export interface SlowResult {
  protocol: ViewerProtocol;
  viewers: number;
  joined: number;
  stallSeconds: number;
  rssBeforeKiB: number;
  /** Peak RSS during the stall minus RSS before. */
  rssGrowthKiB: number;
  dropped: number;
  /** The server's own view while they were stalled (xlive: stream stats), if it has one. */
  serverNote?: string;
}

/** Reading again for this long drains what was buffered; a dropped viewer then sees the end. */
const PROBE_MS = 2000;

export async function runSlowPhase(server: RunningServer, protocol: ViewerProtocol, viewers: number, stallSeconds: number): Promise<SlowResult> {
  const url = protocol === 'http-flv' ? server.flvUrl : server.rtmpUrl;
  if (!url) throw new Error('this server has no HTTP-FLV');
  const rssBefore = memoryKiB(server.pid).rss;
  const all: SlowViewer[] = Array.from({ length: viewers }, () => (protocol === 'http-flv' ? new SlowHttpFlvViewer(url) : new SlowRtmpViewer(url)));
  const settled = await Promise.allSettled(all.map((v) => v.start(10_000)));
  const joined = all.filter((_, i) => settled[i]!.status === 'fulfilled');
  try {
    let peak = rssBefore;
    const end = performance.now() + stallSeconds * 1000;
    while (performance.now() < end) {
      await sleep(Math.min(1000, Math.max(0, end - performance.now())));
      peak = Math.max(peak, memoryKiB(server.pid).rss);
    }
    const serverNote = await server.streamNote?.();
    const dropped = await Promise.all(joined.map((v) => v.probe(PROBE_MS)));
    return {
      protocol,
      viewers,
      joined: joined.length,
      stallSeconds,
      rssBeforeKiB: rssBefore,
      rssGrowthKiB: Math.max(0, peak - rssBefore),
      dropped: dropped.filter(Boolean).length,
      serverNote,
    };
  } finally {
    for (const v of all) v.stop();
  }
}
