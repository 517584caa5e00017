/**
 * Hot values read directly and cheaply on every poll: CPU temperature, Raspberry Pi throttling flags,
 * load, memory, filesystem usage of the watched paths, event-loop lag. A missing source (no thermal
 * zones or firmware file on x86, a path that does not exist yet) gives `null`, never an error.
 */
import type { LoopLag, LoopLagMonitor } from './loop-lag-monitor.js';
import type { SystemSources } from './system-sources.js';
import { parseThrottled, type ThrottleFlags } from './throttle-flags.js';

export interface ThermalZone {
  zone: string;
  type: string;
  celsius: number;
}

export interface DiskUsage {
  path: string;
  sizeBytes: number;
  freeBytes: number;
  usedBytes: number;
  /** Free space available to the service, percent of the size. */
  freePercent: number;
}

export interface HotSample {
  at: string;
  temperature: { celsius: number | null; zones: ThermalZone[] };
  throttled: ThrottleFlags | null;
  load: { avg1: number; avg5: number; avg15: number; cpus: number };
  memory: { totalBytes: number; availableBytes: number };
  disks: Array<DiskUsage | { path: string; error: string }>;
  eventLoop: LoopLag;
}

const MAX_ZONES = 16;
/** Values outside this range are sensors reporting "no reading" (e.g. -274000). */
const PLAUSIBLE_CELSIUS: readonly [number, number] = [-60, 200];

export class HotSampler {
  private last: HotSample | undefined;
  private pending: Promise<HotSample> | undefined;

  constructor(
    private readonly sources: SystemSources,
    private readonly watchPaths: readonly string[],
    private readonly lag: Pick<LoopLagMonitor, 'read'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get latest(): HotSample | undefined {
    return this.last;
  }

  /** A sample no older than `maxAgeMs`; concurrent callers share one sampling. */
  async fresh(maxAgeMs: number): Promise<HotSample> {
    if (this.last && this.now().getTime() - Date.parse(this.last.at) <= maxAgeMs) return this.last;
    return this.sample();
  }

  sample(): Promise<HotSample> {
    this.pending ??= this.take().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async take(): Promise<HotSample> {
    const s = this.sources;
    const [zones, throttled, disks] = await Promise.all([this.thermalZones(), this.throttled(), Promise.all(this.watchPaths.map((p) => this.disk(p)))]);
    const [avg1 = 0, avg5 = 0, avg15 = 0] = s.loadavg();
    const sample: HotSample = {
      at: this.now().toISOString(),
      temperature: { celsius: zones.length ? Math.max(...zones.map((z) => z.celsius)) : null, zones },
      throttled,
      load: { avg1, avg5, avg15, cpus: s.cpuCount() },
      memory: { totalBytes: s.totalMemory(), availableBytes: s.availableMemory() },
      disks,
      eventLoop: this.lag.read(),
    };
    this.last = sample;
    return sample;
  }

  private async thermalZones(): Promise<ThermalZone[]> {
    let entries: string[];
    try {
      entries = await this.sources.readdir(this.sources.thermalDir);
    } catch {
      return [];
    }
    const names = entries.filter((e) => /^thermal_zone\d+$/.test(e)).sort((a, b) => zoneNo(a) - zoneNo(b)).slice(0, MAX_ZONES);
    const zones = await Promise.all(
      names.map(async (zone): Promise<ThermalZone | undefined> => {
        const dir = `${this.sources.thermalDir}/${zone}`;
        const temp = await this.read(`${dir}/temp`);
        // sysfs thermal ABI: `temp` is in millidegrees Celsius.
        const celsius = temp === null ? NaN : Number(temp.trim()) / 1000;
        if (!Number.isFinite(celsius) || celsius < PLAUSIBLE_CELSIUS[0] || celsius > PLAUSIBLE_CELSIUS[1]) return undefined;
        const type = ((await this.read(`${dir}/type`)) ?? '').trim().slice(0, 40);
        return { zone, type, celsius: Math.round(celsius * 10) / 10 };
      }),
    );
    return zones.filter((z): z is ThermalZone => z !== undefined);
  }

  private async throttled(): Promise<ThrottleFlags | null> {
    const text = await this.read(this.sources.throttledFile);
    if (text === null) return null;
    try {
      return parseThrottled(text);
    } catch {
      return null;
    }
  }

  private async disk(path: string): Promise<DiskUsage | { path: string; error: string }> {
    try {
      const st = await this.sources.statfs(path);
      const sizeBytes = st.blocks * st.bsize;
      const freeBytes = st.bavail * st.bsize;
      const usedBytes = (st.blocks - st.bfree) * st.bsize;
      const freePercent = sizeBytes > 0 ? Math.round((freeBytes / sizeBytes) * 10_000) / 100 : 0;
      return { path, sizeBytes, freeBytes, usedBytes, freePercent };
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      return { path, error: e.code ?? e.message };
    }
  }

  private async read(path: string): Promise<string | null> {
    try {
      return await this.sources.readFile(path);
    } catch {
      return null;
    }
  }
}

function zoneNo(name: string): number {
  return Number(name.slice('thermal_zone'.length));
}
