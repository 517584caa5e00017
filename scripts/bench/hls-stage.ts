import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchOptions } from './bench-options.js';
import type { BenchTarget, RunningServer, TargetContext } from './bench-target.js';
import { ClipPublisher } from './clip-publisher.js';
import type { Clip } from './flv-file.js';
import { runHlsClientsPhase, type HlsClientsResult } from './hls-clients-phase.js';
import { probePlaylistLag, type LagResult } from './hls-lag-probe.js';
import { parseMediaPlaylist } from './hls-playlist.js';
import { KeyframeLog } from './keyframe-log.js';
import { pairedSummary, type PairedSummary } from './paired-stats.js';
import { cpuSeconds } from './proc-stats.js';
import { histogramDelta, histogramQuantile, parseHistogram, type Histogram } from './prom-histogram.js';
import { sleep } from './ports.js';
import { SendTimes } from './send-times.js';

/**
 * The HLS section for one server: two instances run side by side, one with HLS on and one with it
 * off, each fed the clip by its own publisher; their CPU is read over the same windows, so machine
 * noise hits both and cancels in the difference (the remux cost). Then, on the HLS instance alone:
 * the playlist lag probe, N HLS clients, and (xlive) the server's own lag histogram.
 */

export interface RemuxResult {
  windowSeconds: number;
  offPercent: number;
  onPercent: number;
  /** HLS on − off per window, % of one core. */
  diff: PairedSummary;
}

export interface HlsResult {
  /** Why this server has no HLS row ("v4 has no HLS"). */
  unsupported?: string;
  remux?: RemuxResult;
  lag?: LagResult;
  /** From xlive_hls_playlist_update_lag_seconds over the HLS instance's measured life, seconds. */
  serverLag?: { count: number; p50: number | undefined; p95: number | undefined };
  clients?: HlsClientsResult;
  notes: string[];
}

export interface HlsPair {
  off: BenchTarget;
  on: BenchTarget;
}

export interface HlsStageDeps {
  options: BenchOptions;
  clip: Clip;
  ticksPerSecond: number;
  workRoot: string;
  ctx: Omit<TargetContext, 'workDir'>;
}

export const LAG_METRIC = 'xlive_hls_playlist_update_lag_seconds';
/** How long the HLS instance may take to list its first segment. */
const FIRST_SEGMENT_TIMEOUT_MS = 20_000;

export async function runHlsStage(label: string, pair: HlsPair | string, deps: HlsStageDeps): Promise<HlsResult> {
  if (typeof pair === 'string') return { unsupported: pair, notes: [] };
  const { options: o, ctx } = deps;
  const result: HlsResult = { notes: [] };
  const why = pair.on.unavailable();
  if (why) return { ...result, notes: [`skipped: ${why}`] };
  const started: { server: RunningServer; publisher?: ClipPublisher }[] = [];
  const start = async (t: BenchTarget, name: string, keyframes?: KeyframeLog) => {
    const workDir = join(deps.workRoot, `${t.id}-${name}`);
    mkdirSync(workDir, { recursive: true });
    const entry: { server: RunningServer; publisher?: ClipPublisher } = { server: await t.start({ ...ctx, workDir }) };
    started.push(entry);
    entry.publisher = await ClipPublisher.start(entry.server.rtmpUrl, deps.clip, new SendTimes(), 10_000, keyframes);
    return entry;
  };
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T | undefined> => {
    ctx.log(`${label}: HLS ${name}`);
    try {
      return await run();
    } catch (err) {
      const msg = `HLS ${name}: ${(err as Error).message.split('\n')[0]}`;
      ctx.log(`${label}: ${msg}`);
      result.notes.push(msg);
      return undefined;
    }
  };
  try {
    const keyframes = new KeyframeLog();
    const off = await start(pair.off, 'hls-off');
    const on = await start(pair.on, 'hls-on', keyframes);
    const url = on.server.hlsUrl;
    if (!url) throw new Error('the HLS instance has no playlist URL');
    const targetDuration = await waitForSegments(url, 2, FIRST_SEGMENT_TIMEOUT_MS);
    const before = on.server.metricsUrl ? await scrapeHistogram(on.server.metricsUrl) : undefined;

    const rounds = o.hlsRounds;
    result.remux = await step(`remux cost: HLS on vs off side by side, ${rounds} × ${o.hlsSeconds} s`, async () => {
      const diffs: number[] = [];
      let offSum = 0;
      let onSum = 0;
      for (let i = 0; i < rounds; i++) {
        const a0 = cpuSeconds(off.server.pid, deps.ticksPerSecond);
        const b0 = cpuSeconds(on.server.pid, deps.ticksPerSecond);
        const t0 = performance.now();
        await sleep(o.hlsSeconds * 1000);
        const wall = (performance.now() - t0) / 1000;
        const offPct = ((cpuSeconds(off.server.pid, deps.ticksPerSecond) - a0) / wall) * 100;
        const onPct = ((cpuSeconds(on.server.pid, deps.ticksPerSecond) - b0) / wall) * 100;
        offSum += offPct;
        onSum += onPct;
        diffs.push(onPct - offPct);
        ctx.log(`${label}:   window ${i + 1}: HLS off ${offPct.toFixed(2)} %, on ${onPct.toFixed(2)} % of one core`);
      }
      return { windowSeconds: o.hlsSeconds, offPercent: offSum / rounds, onPercent: onSum / rounds, diff: pairedSummary(diffs) };
    });
    off.publisher?.stop();
    await off.server.stop();
    await sleep(1000);

    result.lag = await step(`playlist lag probe (10 ms polls), ${o.hlsLagSeconds} s`, () => probePlaylistLag(url, keyframes, o.hlsLagSeconds));
    if (o.hlsClients > 0) {
      await sleep(1000);
      const settings = {
        clients: o.hlsClients,
        spreadMs: targetDuration * 1000,
        warmupSeconds: targetDuration + o.warmupSeconds,
        windowSeconds: o.hlsClientSeconds,
        ticksPerSecond: deps.ticksPerSecond,
      };
      result.clients = await step(`${o.hlsClients} HLS clients, ${o.hlsClientSeconds} s`, () => runHlsClientsPhase(on.server, url, settings));
      if (result.clients?.topError) result.notes.push(`HLS clients: ${result.clients.errors} errors; most frequent: ${result.clients.topError}`);
      if (result.clients && result.clients.missed > 0) result.notes.push(`HLS clients: ${result.clients.missed} segments left the playlist before a client fetched them`);
    }
    if (on.server.metricsUrl) {
      const after = await scrapeHistogram(on.server.metricsUrl);
      if (after) {
        const d = histogramDelta(after, before);
        result.serverLag = { count: d.count, p50: histogramQuantile(d, 0.5), p95: histogramQuantile(d, 0.95) };
      } else result.notes.push(`${LAG_METRIC} not found in GET /metrics`);
    }
    for (const s of started) if (s.publisher?.error) result.notes.push(`an HLS-section publisher stopped: ${s.publisher.error.message}`);
    if (on.server.exited() !== undefined) result.notes.push(`the HLS instance exited (${on.server.exited()}): ${on.server.logTail().split('\n').slice(-2).join(' | ')}`);
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0];
    ctx.log(`${label}: HLS section aborted — ${msg}`);
    result.notes.push(`HLS section aborted: ${msg}`);
  } finally {
    for (const s of started) {
      s.publisher?.stop();
      await s.server.stop();
    }
  }
  return result;
}

/** Poll until the playlist lists `n` segments; returns its target duration, seconds. */
async function waitForSegments(url: string, n: number, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  let last = 'no answer';
  while (performance.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      const text = await res.text();
      if (res.ok) {
        const p = parseMediaPlaylist(text);
        if (p.segments.length >= n) return p.targetDuration;
        last = `${p.segments.length} segments`;
      } else last = `http ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(250);
  }
  throw new Error(`the playlist ${url} did not list ${n} segments within ${timeoutMs} ms (last: ${last})`);
}

async function scrapeHistogram(url: string): Promise<Histogram | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
    return res.ok ? parseHistogram(await res.text(), LAG_METRIC) : undefined;
  } catch {
    return undefined;
  }
}
