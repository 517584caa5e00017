import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchOptions } from './bench-options.js';
import type { BenchTarget, RunningServer, TargetContext } from './bench-target.js';
import { ClipPublisher } from './clip-publisher.js';
import type { Clip } from './flv-file.js';
import type { HlsResult } from './hls-stage.js';
import { cpuSeconds, memoryKiB } from './proc-stats.js';
import { sleep } from './ports.js';
import { SendTimes } from './send-times.js';
import { runSlowPhase, type SlowResult } from './slow-phase.js';
import { runViewerPhase, waitPlayable, type PhaseResult, type ViewerProtocol } from './viewer-phase.js';

/** All measurements of one server, run start to finish with the same workload as the others. */

export interface TargetResult {
  id: BenchTarget['id'];
  label: string;
  /** Set when the server could not be run at all. */
  skipped?: string;
  rssIdleKiB?: number;
  rssPeakKiB?: number;
  publisherCpuPercent?: number;
  flv?: PhaseResult;
  rtmp?: PhaseResult;
  big?: PhaseResult;
  slow?: SlowResult;
  /** The HLS section (run after the phases above, with fresh instances). */
  hls?: HlsResult;
  /** Phase failures and server remarks. */
  notes: string[];
}

export interface RunDeps {
  options: BenchOptions;
  clip: Clip;
  ticksPerSecond: number;
  ctx: Omit<TargetContext, 'workDir'>;
  workRoot: string;
}

export async function runTarget(target: BenchTarget, deps: RunDeps): Promise<TargetResult> {
  const { options: o, ctx } = deps;
  const result: TargetResult = { id: target.id, label: target.label, notes: [] };
  const why = target.unavailable();
  if (why) {
    ctx.log(`${target.label}: skipped — ${why}`);
    return { ...result, skipped: why };
  }
  const workDir = join(deps.workRoot, target.id);
  mkdirSync(workDir, { recursive: true });
  ctx.log(`${target.label}: starting`);
  let server: RunningServer;
  try {
    server = await target.start({ ...ctx, workDir });
  } catch (err) {
    const msg = (err as Error).message;
    ctx.log(`${target.label}: could not start — ${msg}`);
    return { ...result, skipped: `could not start: ${msg.split('\n')[0]}` };
  }
  const sendTimes = new SendTimes();
  let publisher: ClipPublisher | undefined;
  const phase = async <T>(name: string, run: () => Promise<T>): Promise<T | undefined> => {
    if (server.exited() !== undefined) return undefined;
    ctx.log(`${target.label}: ${name}`);
    try {
      return await run();
    } catch (err) {
      const msg = `${name}: ${(err as Error).message.split('\n')[0]}`;
      ctx.log(`${target.label}: ${msg}`);
      result.notes.push(msg);
      return undefined;
    } finally {
      if (publisher?.error) throw new Error(`publisher stopped: ${publisher.error.message}`);
    }
  };
  try {
    await sleep(1000);
    result.rssIdleKiB = memoryKiB(server.pid).rss;
    publisher = await ClipPublisher.start(server.rtmpUrl, deps.clip, sendTimes);
    const probe: ViewerProtocol = server.flvUrl ? 'http-flv' : 'rtmp';
    await waitPlayable(server, probe, sendTimes, 10_000);
    await sleep(500);

    await phase(`publisher only, ${o.publisherSeconds} s`, async () => {
      const c0 = cpuSeconds(server.pid, deps.ticksPerSecond);
      const t0 = performance.now();
      await sleep(o.publisherSeconds * 1000);
      const wall = (performance.now() - t0) / 1000;
      result.publisherCpuPercent = ((cpuSeconds(server.pid, deps.ticksPerSecond) - c0) / wall) * 100;
    });
    const settings = { viewers: o.viewers, warmupSeconds: o.warmupSeconds, windowSeconds: o.seconds, ticksPerSecond: deps.ticksPerSecond };
    if (server.flvUrl) {
      result.flv = await phase(`${o.viewers} HTTP-FLV viewers, ${o.seconds} s`, () => runViewerPhase(server, sendTimes, { ...settings, protocol: 'http-flv' }));
      await sleep(500);
    }
    result.rtmp = await phase(`${o.viewers} RTMP viewers, ${o.seconds} s`, () => runViewerPhase(server, sendTimes, { ...settings, protocol: 'rtmp' }));
    await sleep(500);
    const slowProtocol: ViewerProtocol = server.flvUrl ? 'http-flv' : 'rtmp';
    result.slow = await phase(`${o.slowViewers} slow ${slowProtocol} viewers, ${o.slowSeconds} s`, () =>
      runSlowPhase(server, slowProtocol, o.slowViewers, o.slowSeconds),
    );
    if (result.slow?.serverNote) result.notes.push(`end of the slow-viewer stall: ${result.slow.serverNote}`);
    if (o.bigViewers > 0 && server.flvUrl) {
      await sleep(2000);
      const big = { ...settings, viewers: o.bigViewers, warmupSeconds: o.warmupSeconds + 2, windowSeconds: Math.min(o.seconds, 15), joinTimeoutMs: 20_000 };
      result.big = await phase(`${o.bigViewers} HTTP-FLV viewers, ${big.windowSeconds} s`, () => runViewerPhase(server, sendTimes, { ...big, protocol: 'http-flv' }));
    }
    for (const [name, ph] of [['HTTP-FLV', result.flv], ['RTMP', result.rtmp], [`${o.bigViewers} HTTP-FLV`, result.big]] as const) {
      if (ph?.topError) result.notes.push(`${name} viewers: ${ph.failures} failed to join, ${ph.disconnects} disconnected; most frequent error: ${ph.topError}`);
      if (ph && ph.clientCpuPercent > 80) result.notes.push(`${name} viewers: the bench client used ${ph.clientCpuPercent.toFixed(0)} % of a core: delivery is client-bound`);
    }
    if (server.exited() === undefined) result.rssPeakKiB = memoryKiB(server.pid).hwm;
    else result.notes.push(`the server exited (${server.exited()}): ${server.logTail().split('\n').slice(-3).join(' | ')}`);
    if (publisher.stats.maxLagMs > 200) result.notes.push(`the publisher fell up to ${Math.round(publisher.stats.maxLagMs)} ms behind schedule (bench process busy)`);
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0];
    ctx.log(`${target.label}: aborted — ${msg}`);
    result.notes.push(`aborted: ${msg}`);
    if (server.exited() !== undefined) result.notes.push(`server log: ${server.logTail().split('\n').slice(-3).join(' | ')}`);
  } finally {
    publisher?.stop();
    await server.stop();
  }
  return result;
}
