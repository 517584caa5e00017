import type { BenchOptions } from './bench-options.js';
import type { HlsResult } from './hls-stage.js';
import type { TargetResult } from './target-run.js';

/**
 * The HLS results as a markdown table: a row per metric, a column per server, the target from
 * issue 4, and the ratio xlive/nginx-rtmp where both have a number (below 1 = xlive uses less).
 */

type Cell = number | string | undefined;

interface Row {
  label: string;
  target: string;
  value: (h: HlsResult) => Cell;
  decimals?: number;
  ratio?: boolean;
}

/** The issue states the remux target per 3.2 Mbit/s stream. */
export const REFERENCE_MBPS = 3.2;

function fmt(v: number | undefined, decimals: number): string {
  return v === undefined || !Number.isFinite(v) ? '—' : v.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

const ms = (s: number | undefined) => (s === undefined ? undefined : s * 1000);

export function buildHlsRows(o: BenchOptions, streamMbps: number): Row[] {
  const scale = REFERENCE_MBPS / streamMbps;
  const n = o.hlsClients;
  const rows: Row[] = [
    {
      label: 'server CPU, publisher only, HLS off / on (% of one core)',
      target: '',
      value: (h) => (h.remux ? `${fmt(h.remux.offPercent, 2)} / ${fmt(h.remux.onPercent, 2)}` : undefined),
      ratio: false,
    },
    {
      label: `HLS remux cost, % of one core per ${REFERENCE_MBPS} Mbit/s stream (mean of windows)`,
      target: '≤ 0.4 (nginx-rtmp ~0.2)',
      value: (h) => (h.remux ? h.remux.diff.mean * scale : undefined),
      decimals: 2,
    },
    {
      label: 'HLS remux cost: 95 % confidence half-width (paired on − off windows)',
      target: '',
      value: (h) => (h.remux ? `± ${fmt(h.remux.diff.ci95 === undefined ? undefined : h.remux.diff.ci95 * scale, 2)} (${h.remux.diff.n} × ${h.remux.windowSeconds} s)` : undefined),
      ratio: false,
    },
    {
      label: `HLS remux: CPU-s per stream-hour (the ${streamMbps.toFixed(1)} Mbit/s clip)`,
      target: `≤ ${((0.4 / 100) * 3600 / scale).toFixed(1)}`,
      value: (h) => (h.remux ? (h.remux.diff.mean / 100) * 3600 : undefined),
      decimals: 1,
    },
  ];
  if (n > 0) {
    rows.push(
      {
        label: `${n} HLS clients: server CPU above publisher-only (% of one core)`,
        target: '≤ 5',
        value: (h) => (h.clients && h.remux ? h.clients.cpuPercent - h.remux.onPercent : undefined),
        decimals: 1,
      },
      {
        label: `${n} HLS clients: delivered Mbit/s`,
        target: '',
        value: (h) => (h.clients ? (h.clients.deliveredBytes * 8) / h.clients.windowSeconds / 1e6 : undefined),
        decimals: 0,
      },
      {
        label: `${n} HLS clients: failed requests / segments missed`,
        target: '0 / 0',
        value: (h) => (h.clients ? `${h.clients.errors} / ${h.clients.missed}` : undefined),
        ratio: false,
      },
    );
  }
  rows.push(
    {
      label: 'playlist update lag, server histogram p50 / p95 (ms)',
      target: '< 50',
      value: (h) => (h.serverLag ? `${fmt(ms(h.serverLag.p50), 1)} / ${fmt(ms(h.serverLag.p95), 1)} (${h.serverLag.count} segments)` : undefined),
      ratio: false,
    },
    {
      label: 'playlist update lag, 10 ms polls p50 / p95 (ms, upper bound)',
      target: '< 50',
      value: (h) => (h.lag && h.lag.samples > 0 ? `${fmt(h.lag.p50, 0)} / ${fmt(h.lag.p95, 0)} (${h.lag.samples} segments)` : undefined),
      ratio: false,
    },
  );
  if (n > 0) {
    rows.push({
      label: 'bench client CPU in the HLS-clients window (% of one core)',
      target: '',
      value: (h) => h.clients?.clientCpuPercent,
      decimals: 0,
      ratio: false,
    });
  }
  return rows;
}

function cell(r: TargetResult, row: Row): string {
  if (r.skipped) return 'skipped';
  const h = r.hls;
  if (!h) return '—';
  if (h.unsupported) return `n/a (${h.unsupported})`;
  const v = row.value(h);
  if (v === undefined) return r.id === 'nginx' && row.label.includes('server histogram') ? 'n/a' : '—';
  return typeof v === 'string' ? v : fmt(v, row.decimals ?? 1);
}

function ratio(a: Cell, b: Cell): string {
  if (typeof a !== 'number' || typeof b !== 'number' || b === 0 || !Number.isFinite(a / b)) return '—';
  const r = a / b;
  return `${Math.abs(r) >= 10 ? r.toFixed(1) : r.toFixed(2)}×`;
}

export function renderHlsTable(results: readonly TargetResult[], o: BenchOptions, streamMbps: number): string {
  const x = results.find((r) => r.id === 'xlive' && !r.skipped && r.hls && !r.hls.unsupported);
  const nginx = results.find((r) => r.id === 'nginx' && !r.skipped && r.hls && !r.hls.unsupported);
  const withRatio = x !== undefined && nginx !== undefined;
  const header = ['metric', ...results.map((r) => r.label), 'target', ...(withRatio ? ['xlive/nginx'] : [])];
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`];
  for (const row of buildHlsRows(o, streamMbps)) {
    const ratios = withRatio ? [row.ratio === false ? '' : ratio(row.value(x.hls!), row.value(nginx.hls!))] : [];
    lines.push(`| ${[row.label, ...results.map((r) => cell(r, row)), row.target, ...ratios].join(' | ')} |`);
  }
  return lines.join('\n');
}
