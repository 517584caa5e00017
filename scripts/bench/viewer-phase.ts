import type { RunningServer } from './bench-target.js';
import { CrowdMeter } from './crowd-meter.js';
import { HttpFlvViewer, type Viewer } from './http-flv-viewer.js';
import { cpuSeconds, memoryKiB } from './proc-stats.js';
import { RtmpViewer } from './rtmp-viewer.js';
import type { SendTimes } from './send-times.js';
import { sleep } from './ports.js';

/**
 * One measured phase: N viewers of one protocol join (in batches), settle, then for a window the
 * server's CPU time, RSS and the bytes viewers receive are measured; then they leave.
 */

export type ViewerProtocol = 'http-flv' | 'rtmp';

export interface PhaseResult {
  protocol: ViewerProtocol;
  viewers: number;
  /** Viewers that received a first keyframe. */
  started: number;
  failures: number;
  disconnects: number;
  windowSeconds: number;
  cpuSeconds: number;
  cpuPercent: number;
  deliveredBytes: number;
  /** CPU seconds per delivered gigabit; undefined when nothing was delivered. */
  cpuPerGbit: number | undefined;
  rssBeforeKiB: number;
  rssPeakKiB: number;
  /** (peak RSS in the window − RSS before the viewers joined) / viewers. */
  perViewerKiB: number;
  firstKeyframeP50: number | undefined;
  firstKeyframeP95: number | undefined;
  latencyP50: number | undefined;
  latencyP95: number | undefined;
  /** Video frames whose dts could not be matched to a sent frame (the server rewrote timestamps). */
  unmatchedFrames: number;
  /** CPU of the bench process itself in the window, % of one core (high = the client limits the result). */
  clientCpuPercent: number;
  topError?: string;
}

export interface PhaseSettings {
  protocol: ViewerProtocol;
  viewers: number;
  warmupSeconds: number;
  windowSeconds: number;
  ticksPerSecond: number;
  joinTimeoutMs?: number;
}

/** Viewers join spread over at least one GOP of the clip (2 s), longer for big crowds. */
const SPREAD_MIN_MS = 2500;
const SPREAD_PER_VIEWER_MS = 5;

/** Socket read buffer shared by the HTTP-FLV viewers of one phase. */
const READ_BUFFER_BYTES = 128 * 1024;

export function viewerFactory(protocol: ViewerProtocol, server: RunningServer, meter: CrowdMeter): () => Viewer {
  if (protocol === 'rtmp') return () => new RtmpViewer(server.rtmpUrl, meter);
  const url = server.flvUrl;
  if (!url) throw new Error('this server has no HTTP-FLV');
  const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  return () => new HttpFlvViewer(url, meter, readBuffer);
}

/**
 * Start n viewers spread evenly over `spreadMs` (so first-keyframe times sample the whole GOP rather
 * than one instant); returns those that joined. Failures are counted in the meter.
 */
export async function joinViewers(make: () => Viewer, n: number, meter: CrowdMeter, timeoutMs: number, spreadMs: number): Promise<Viewer[]> {
  const viewers = Array.from({ length: n }, make);
  const step = n > 1 ? spreadMs / (n - 1) : 0;
  const t0 = performance.now();
  const settled = await Promise.allSettled(
    viewers.map(async (v, i) => {
      const wait = t0 + i * step - performance.now();
      if (wait > 0) await sleep(wait);
      await v.start(timeoutMs);
    }),
  );
  const joined: Viewer[] = [];
  settled.forEach((r, i) => {
    if (r.status === 'fulfilled') joined.push(viewers[i]!);
    else {
      meter.failures++;
      meter.error(r.reason instanceof Error ? r.reason.message : String(r.reason));
      viewers[i]!.stop();
    }
  });
  return joined;
}

export async function runViewerPhase(server: RunningServer, sendTimes: SendTimes, s: PhaseSettings): Promise<PhaseResult> {
  const meter = new CrowdMeter(sendTimes);
  const rssBefore = memoryKiB(server.pid).rss;
  const spreadMs = Math.max(SPREAD_MIN_MS, s.viewers * SPREAD_PER_VIEWER_MS);
  const viewers = await joinViewers(viewerFactory(s.protocol, server, meter), s.viewers, meter, s.joinTimeoutMs ?? 10_000, spreadMs);
  try {
    await sleep(s.warmupSeconds * 1000);
    let rssPeak = memoryKiB(server.pid).rss;
    const cpu0 = cpuSeconds(server.pid, s.ticksPerSecond);
    const client0 = process.cpuUsage();
    const t0 = performance.now();
    meter.openWindow();
    const end = t0 + s.windowSeconds * 1000;
    while (performance.now() < end) {
      await sleep(Math.min(1000, Math.max(0, end - performance.now())));
      rssPeak = Math.max(rssPeak, memoryKiB(server.pid).rss);
    }
    meter.closeWindow();
    const wall = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds(server.pid, s.ticksPerSecond) - cpu0;
    const client = process.cpuUsage(client0);
    const gbit = (meter.windowBytes * 8) / 1e9;
    return {
      protocol: s.protocol,
      viewers: s.viewers,
      started: meter.started,
      failures: meter.failures,
      disconnects: meter.disconnects,
      windowSeconds: wall,
      cpuSeconds: cpu,
      cpuPercent: (cpu / wall) * 100,
      deliveredBytes: meter.windowBytes,
      cpuPerGbit: gbit > 0 ? cpu / gbit : undefined,
      rssBeforeKiB: rssBefore,
      rssPeakKiB: rssPeak,
      perViewerKiB: Math.max(0, rssPeak - rssBefore) / Math.max(1, viewers.length),
      firstKeyframeP50: meter.firstKeyframeMs.percentile(50),
      firstKeyframeP95: meter.firstKeyframeMs.percentile(95),
      latencyP50: meter.latencyMs.percentile(50),
      latencyP95: meter.latencyMs.percentile(95),
      unmatchedFrames: meter.unmatched,
      clientCpuPercent: ((client.user + client.system) / 1e6 / wall) * 100,
      topError: meter.topError(),
    };
  } finally {
    for (const v of viewers) v.stop();
  }
}

/** Wait until one viewer gets a keyframe: the server is publishing the stream. */
export async function waitPlayable(server: RunningServer, protocol: ViewerProtocol, sendTimes: SendTimes, timeoutMs: number): Promise<void> {
  const meter = new CrowdMeter(sendTimes);
  const v = viewerFactory(protocol, server, meter)();
  try {
    await v.start(timeoutMs);
    const deadline = performance.now() + timeoutMs;
    while (meter.started === 0 && performance.now() < deadline) await sleep(100);
    if (meter.started === 0) throw new Error(`no keyframe over ${protocol} within ${timeoutMs} ms${meter.topError() ? `: ${meter.topError()}` : ''}`);
  } finally {
    v.stop();
  }
}
