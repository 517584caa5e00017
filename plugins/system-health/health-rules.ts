/** Pure rules turning a hot sample into health results: disk free, temperature/throttling, event-loop lag. */
import type { HealthResult, HealthStatus, PluginSummary } from 'xlive/sdk';
import type { DiskWatermarks, SystemHealthConfig } from './config.js';
import type { HotSample } from './hot-sampler.js';
import type { LoopLag } from './loop-lag-monitor.js';
import { activeConditions } from './throttle-flags.js';

const RANK: Record<HealthStatus, number> = { ok: 0, warn: 1, fail: 2 };

export function worst(a: HealthStatus, b: HealthStatus): HealthStatus {
  return RANK[b] > RANK[a] ? b : a;
}

/** The watermark in bytes: the smaller of the byte amount and the percentage of the size (0 turns either off). */
export function watermark(sizeBytes: number, bytes: number, percent: number): number {
  const byBytes = bytes > 0 ? bytes : Infinity;
  const byPercent = percent > 0 ? (sizeBytes * percent) / 100 : Infinity;
  const w = Math.min(byBytes, byPercent);
  return Number.isFinite(w) ? w : 0;
}

export function diskHealth(disks: HotSample['disks'], w: DiskWatermarks): HealthResult {
  if (disks.length === 0) return { status: 'ok', message: 'no paths watched' };
  let status: HealthStatus = 'ok';
  const parts: string[] = [];
  for (const d of disks) {
    if ('error' in d) {
      status = worst(status, 'warn');
      parts.push(`${d.path}: cannot read usage (${d.error})`);
      continue;
    }
    const fail = d.freeBytes < watermark(d.sizeBytes, w.failBelowBytes, w.failBelowPercent);
    const warn = d.freeBytes < watermark(d.sizeBytes, w.warnBelowBytes, w.warnBelowPercent);
    const s: HealthStatus = fail ? 'fail' : warn ? 'warn' : 'ok';
    status = worst(status, s);
    parts.push(`${d.path}: ${formatBytes(d.freeBytes)} free (${d.freePercent}%)${s === 'ok' ? '' : ` below the ${s} watermark`}`);
  }
  return { status, message: parts.join('; ') };
}

export function temperatureHealth(sample: Pick<HotSample, 'temperature' | 'throttled'>, t: SystemHealthConfig['temperature']): HealthResult {
  const c = sample.temperature.celsius;
  const flags = sample.throttled;
  if (c === null && flags === null) return { status: 'ok', message: 'no temperature sensor or throttling flags on this machine' };
  let status: HealthStatus = 'ok';
  const parts: string[] = [];
  if (c !== null) {
    if (c >= t.failCelsius) status = 'fail';
    else if (c >= t.warnCelsius) status = 'warn';
    parts.push(`${c} °C${status === 'ok' ? '' : ` (${status} at ${status === 'fail' ? t.failCelsius : t.warnCelsius} °C)`}`);
  }
  if (flags) {
    const now = activeConditions(flags);
    if (now.length) {
      status = worst(status, 'warn');
      parts.push(`now: ${now.join(', ')}`);
    }
    if (flags.underVoltageOccurred && !flags.underVoltage) parts.push('under-voltage occurred since boot');
    if (flags.throttledOccurred && !flags.throttled) parts.push('throttled since boot');
  }
  return { status, message: parts.join('; ') };
}

/** A plugin callback the host timed as slow, recently enough to explain the lag just measured. */
export interface LoopBlocker {
  plugin: string;
  where: string;
  ms: number;
}

export function loopLagHealth(lag: LoopLag, l: SystemHealthConfig['eventLoop'], blocker?: LoopBlocker): HealthResult {
  const status: HealthStatus = lag.maxMs >= l.failMs ? 'fail' : lag.maxMs >= l.warnMs ? 'warn' : 'ok';
  const likely = status !== 'ok' && blocker ? `; likely plugin ${blocker.plugin} (a ${blocker.where} callback held the loop ${blocker.ms} ms)` : '';
  return { status, message: `event loop lag max ${lag.maxMs} ms, p99 ${lag.p99Ms} ms${status === 'ok' ? '' : ` (${status} at ${status === 'fail' ? l.failMs : l.warnMs} ms)`}${likely}` };
}

/** The plugin whose slow callback (as the host timed it) is the newest within `withinMs` of `now`, if any. */
export function likelyBlocker(plugins: readonly PluginSummary[], now: number, withinMs: number): LoopBlocker | undefined {
  let best: (LoopBlocker & { at: number }) | undefined;
  for (const p of plugins) {
    const slow = p.faults?.lastSlow;
    if (!slow) continue;
    const at = Date.parse(slow.at);
    if (!(now - at <= withinMs) || (best && best.at >= at)) continue;
    best = { plugin: p.id, where: slow.where, ms: slow.ms, at };
  }
  return best && { plugin: best.plugin, where: best.where, ms: best.ms };
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}
