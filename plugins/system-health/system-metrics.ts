/** The plugin's Prometheus metrics, read from the latest hot sample and health report at scrape time. */
import type { Gauge, HealthReport, MetricsApi } from 'xlive/sdk';
import type { HotSample } from './hot-sampler.js';
import { THROTTLE_BITS } from './throttle-flags.js';

const STATUS_VALUE = { ok: 0, warn: 1, fail: 2 } as const;

export interface LatestValues {
  sample(): HotSample | undefined;
  report(): HealthReport | undefined;
}

export function registerSystemMetrics(metrics: MetricsApi, latest: LatestValues): void {
  /** A gauge filled from the latest sample (nothing before the first one). */
  const sampled = <L extends string>(name: string, help: string, labelNames: readonly L[], fill: (g: Gauge<L>, s: HotSample) => void) =>
    metrics.gauge<L>({
      name,
      help,
      labelNames,
      collect: (g) => {
        const s = latest.sample();
        if (s) fill(g, s);
      },
    });

  sampled('xlive_system_temperature_celsius', 'Temperature of each thermal zone (the CPU on a Raspberry Pi), in degrees Celsius', ['zone'], (g, s) => {
    for (const z of s.temperature.zones) g.set({ zone: z.zone }, z.celsius);
  });
  sampled('xlive_system_throttled', 'Raspberry Pi firmware flags (under-voltage, frequency capped, throttled, soft temperature limit; now and since boot): 1 when set', ['flag'], (g, s) => {
    const f = s.throttled;
    if (f) for (const [flag] of THROTTLE_BITS) g.set({ flag }, f[flag] ? 1 : 0);
  });
  const disk = (name: string, help: string, pick: (d: { freeBytes: number; usedBytes: number; sizeBytes: number }) => number) =>
    sampled(name, help, ['path'], (g, s) => {
      for (const d of s.disks) if (!('error' in d)) g.set({ path: d.path }, pick(d));
    });
  disk('xlive_system_disk_free_bytes', 'Free bytes (available to the service) on the filesystem of a watched path', (d) => d.freeBytes);
  disk('xlive_system_disk_used_bytes', 'Used bytes on the filesystem of a watched path', (d) => d.usedBytes);
  disk('xlive_system_disk_size_bytes', 'Size in bytes of the filesystem of a watched path', (d) => d.sizeBytes);
  sampled('xlive_system_event_loop_lag_seconds', 'Event-loop lag over the last poll window (stat: p99, max)', ['stat'], (g, s) => {
    g.set({ stat: 'p99' }, s.eventLoop.p99Ms / 1000);
    g.set({ stat: 'max' }, s.eventLoop.maxMs / 1000);
  });
  sampled('xlive_system_load_average', 'System load average (period: 1m, 5m, 15m)', ['period'], (g, s) => {
    g.set({ period: '1m' }, s.load.avg1);
    g.set({ period: '5m' }, s.load.avg5);
    g.set({ period: '15m' }, s.load.avg15);
  });
  sampled('xlive_system_memory_available_bytes', 'Memory available to new work, in bytes', [], (g, s) => g.set({}, s.memory.availableBytes));
  sampled('xlive_system_memory_total_bytes', 'Total memory, in bytes', [], (g, s) => g.set({}, s.memory.totalBytes));
  metrics.gauge<'check'>({
    name: 'xlive_health_check_status',
    help: 'Status of each health check at the last poll: 0 ok, 1 warn, 2 fail',
    labelNames: ['check'],
    collect: (g) => {
      for (const c of latest.report()?.checks ?? []) g.set({ check: c.name }, STATUS_VALUE[c.status]);
    },
  });
}
