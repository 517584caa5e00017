import type { BenchOptions } from './bench-options.js';
import type { TargetId } from './bench-target.js';
import type { TargetResult } from './target-run.js';
import type { PhaseResult } from './viewer-phase.js';

/**
 * The results as one markdown table: a row per metric, a column per server, then the ratios
 * xlive/nms and xlive/nginx (below 1 = xlive uses less / is faster, for every numeric row).
 */

type Cell = number | string | undefined;

interface Row {
  label: string;
  value: (r: TargetResult) => Cell;
  decimals?: number;
  /** Numeric rows get ratio columns unless false. */
  ratio?: boolean;
}

const MIB = 1024;

function phaseRows(name: string, pick: (r: TargetResult) => PhaseResult | undefined, n: number): Row[] {
  const p = (f: (x: PhaseResult) => Cell) => (r: TargetResult) => {
    const x = pick(r);
    return x === undefined ? undefined : f(x);
  };
  return [
    { label: `CPU-s per Gbit delivered, ${name} (${n} viewers)`, value: p((x) => x.cpuPerGbit), decimals: 2 },
    { label: `server CPU, ${name} ${n} viewers (% of one core)`, value: p((x) => x.cpuPercent), decimals: 1 },
    { label: `delivered Mbit/s, ${name} ${n} viewers`, value: p((x) => (x.deliveredBytes * 8) / x.windowSeconds / 1e6), decimals: 0 },
    { label: `RSS per extra viewer, ${name} (KiB)`, value: p((x) => x.perViewerKiB), decimals: 0 },
    { label: `first keyframe for a new ${name} viewer, p50 (ms)`, value: p((x) => x.firstKeyframeP50), decimals: 0 },
    { label: `first keyframe for a new ${name} viewer, p95 (ms)`, value: p((x) => x.firstKeyframeP95), decimals: 0 },
    { label: `delivery latency ${name}, p50 (ms)`, value: p((x) => x.latencyP50), decimals: 0 },
    { label: `delivery latency ${name}, p95 (ms)`, value: p((x) => x.latencyP95), decimals: 0 },
    { label: `disconnects / failed joins, ${name}`, value: p((x) => `${x.disconnects} / ${x.failures}`), ratio: false },
  ];
}

export function buildRows(o: BenchOptions): Row[] {
  const rows: Row[] = [
    ...phaseRows('HTTP-FLV', (r) => r.flv, o.viewers),
    ...phaseRows('RTMP', (r) => r.rtmp, o.viewers),
    { label: 'publisher, no viewers: server CPU (% of one core)', value: (r) => r.publisherCpuPercent, decimals: 1 },
    { label: 'RSS idle, before publishing (MiB)', value: (r) => div(r.rssIdleKiB, MIB), decimals: 1 },
    { label: 'RSS peak, VmHWM over the run (MiB)', value: (r) => div(r.rssPeakKiB, MIB), decimals: 1 },
    {
      label: `slow viewers (${o.slowViewers}, stalled ${o.slowSeconds} s): RSS growth (MiB)`,
      value: (r) => div(r.slow?.rssGrowthKiB, MIB),
      decimals: 1,
    },
    {
      label: `slow viewers dropped by the server`,
      value: (r) => (r.slow ? `${r.slow.dropped}/${r.slow.joined} (${r.slow.protocol})` : undefined),
      ratio: false,
    },
  ];
  if (o.bigViewers > 0) {
    const b = o.bigViewers;
    rows.push(
      { label: `${b} HTTP-FLV viewers: server CPU (% of one core)`, value: (r) => r.big?.cpuPercent, decimals: 1 },
      { label: `${b} HTTP-FLV viewers: delivered Mbit/s`, value: (r) => (r.big ? (r.big.deliveredBytes * 8) / r.big.windowSeconds / 1e6 : undefined), decimals: 0 },
      { label: `${b} HTTP-FLV viewers: CPU-s per Gbit`, value: (r) => r.big?.cpuPerGbit, decimals: 2 },
      { label: `${b} HTTP-FLV viewers: first picture p95 (ms)`, value: (r) => r.big?.firstKeyframeP95, decimals: 0 },
      { label: `${b} HTTP-FLV viewers: disconnects / failed joins`, value: (r) => (r.big ? `${r.big.disconnects} / ${r.big.failures}` : undefined), ratio: false },
    );
  }
  rows.push({
    label: `bench client CPU in the HTTP-FLV / RTMP${o.bigViewers > 0 ? ` / ${o.bigViewers}-viewer` : ''} window (% of one core)`,
    value: (r) =>
      r.flv || r.rtmp
        ? [r.flv, r.rtmp, ...(o.bigViewers > 0 ? [r.big] : [])].map((p) => pct(p?.clientCpuPercent)).join(' / ')
        : undefined,
    ratio: false,
  });
  return rows;
}

function div(v: number | undefined, by: number): number | undefined {
  return v === undefined ? undefined : v / by;
}

function pct(v: number | undefined): string {
  return v === undefined ? '—' : v.toFixed(0);
}

function format(v: Cell, decimals = 1): string {
  if (v === undefined) return '—';
  if (typeof v === 'string') return v;
  return v.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** Below 1 = xlive uses less. */
export function ratio(a: Cell, b: Cell): string {
  if (typeof a !== 'number' || typeof b !== 'number' || b === 0) return '—';
  const r = a / b;
  if (r === 0) return '0×';
  return `${r >= 10 ? r.toFixed(1) : r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)}×`;
}

/** n/a for a metric a server cannot have (nginx-rtmp has no HTTP-FLV), — for a failed measurement. */
function cell(r: TargetResult | undefined, row: Row): string {
  if (!r || r.skipped) return 'skipped';
  const v = row.value(r);
  if (v === undefined && r.id === 'nginx' && /HTTP-FLV/.test(row.label)) return 'n/a';
  return format(v, row.decimals);
}

export function renderTable(results: readonly TargetResult[], o: BenchOptions): string {
  const by = new Map<TargetId, TargetResult>(results.map((r) => [r.id, r]));
  const cols = results.map((r) => r.label);
  const x = by.get('xlive');
  const ratioCols = (['nms', 'nginx'] as const).filter((id) => x && !x.skipped && by.get(id) && !by.get(id)!.skipped);
  const header = ['metric', ...cols, ...ratioCols.map((id) => `xlive/${id}`)];
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`];
  for (const row of buildRows(o)) {
    const cells = results.map((r) => cell(r, row));
    const ratios = ratioCols.map((id) => (row.ratio === false ? '' : ratio(row.value(x!), row.value(by.get(id)!))));
    lines.push(`| ${[row.label, ...cells, ...ratios].join(' | ')} |`);
  }
  return lines.join('\n');
}
