/** The plugin's config section (`plugins.system-health`), as validated by the host against package.json. */
import { ConfigError } from 'xlive/sdk';

export interface DiskWatermarks {
  /** Warn/fail when free space is below the smaller of `…Bytes` and `…Percent` of the filesystem (0 turns one off). */
  warnBelowBytes: number;
  warnBelowPercent: number;
  failBelowBytes: number;
  failBelowPercent: number;
}

export interface SystemHealthConfig {
  /** The box's data dir (core `dataDir`); default: two levels above this plugin's data dir. */
  dataDir: string;
  /** The box's runtime dir (core `runtimeDir`); default: the parent of this plugin's runtime dir. */
  runtimeDir: string;
  /** More filesystem paths to watch. */
  watchPaths: string[];
  /** Hot values are sampled and health checks polled this often. */
  pollIntervalMs: number;
  /** Static facts (systeminformation, in a worker) are refreshed this often; 0: only at start. */
  factsRefreshMs: number;
  factsTimeoutMs: number;
  disk: DiskWatermarks;
  temperature: { warnCelsius: number; failCelsius: number };
  eventLoop: { warnMs: number; failMs: number };
}

const SECTION = 'plugins.system-health';
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
export const MAX_WATCH_PATHS = 16;

export const DEFAULTS = Object.freeze({
  pollIntervalMs: 15_000,
  factsRefreshMs: 3_600_000,
  factsTimeoutMs: 30_000,
  disk: Object.freeze({ warnBelowBytes: GiB, warnBelowPercent: 10, failBelowBytes: 256 * MiB, failBelowPercent: 3 }),
  temperature: Object.freeze({ warnCelsius: 75, failCelsius: 85 }),
  eventLoop: Object.freeze({ warnMs: 500, failMs: 2000 }),
});

type Raw = Readonly<Record<string, unknown>>;

/** Read the frozen config defensively (the host validates it; this names the key when it did not) and apply defaults. */
export function resolveConfig(raw: Raw, dirs: { dataDir: () => string; runtimeDir: () => string }): SystemHealthConfig {
  const disk = section(raw, 'disk');
  const temp = section(raw, 'temperature');
  const loop = section(raw, 'eventLoop');
  const config: SystemHealthConfig = {
    dataDir: str(raw, 'dataDir') ?? dirs.dataDir(),
    runtimeDir: str(raw, 'runtimeDir') ?? dirs.runtimeDir(),
    watchPaths: paths(raw),
    pollIntervalMs: num(raw, 'pollIntervalMs', 1000, 3_600_000) ?? DEFAULTS.pollIntervalMs,
    factsRefreshMs: num(raw, 'factsRefreshMs', 0, 7 * 86_400_000) ?? DEFAULTS.factsRefreshMs,
    factsTimeoutMs: num(raw, 'factsTimeoutMs', 1000, 600_000) ?? DEFAULTS.factsTimeoutMs,
    disk: {
      warnBelowBytes: num(disk, 'disk.warnBelowBytes', 0, Number.MAX_SAFE_INTEGER) ?? DEFAULTS.disk.warnBelowBytes,
      warnBelowPercent: num(disk, 'disk.warnBelowPercent', 0, 100) ?? DEFAULTS.disk.warnBelowPercent,
      failBelowBytes: num(disk, 'disk.failBelowBytes', 0, Number.MAX_SAFE_INTEGER) ?? DEFAULTS.disk.failBelowBytes,
      failBelowPercent: num(disk, 'disk.failBelowPercent', 0, 100) ?? DEFAULTS.disk.failBelowPercent,
    },
    temperature: {
      warnCelsius: num(temp, 'temperature.warnCelsius', 0, 200) ?? DEFAULTS.temperature.warnCelsius,
      failCelsius: num(temp, 'temperature.failCelsius', 0, 200) ?? DEFAULTS.temperature.failCelsius,
    },
    eventLoop: {
      warnMs: num(loop, 'eventLoop.warnMs', 1, 600_000) ?? DEFAULTS.eventLoop.warnMs,
      failMs: num(loop, 'eventLoop.failMs', 1, 600_000) ?? DEFAULTS.eventLoop.failMs,
    },
  };
  return config;
}

function invalid(key: string, value: unknown, what: string): ConfigError {
  return new ConfigError(`${SECTION}.${key} must be ${what}, got ${JSON.stringify(value)}`, { details: { key: `${SECTION}.${key}`, value } });
}

function section(raw: Raw, key: string): Raw {
  const v = raw[key];
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw invalid(key, v, 'an object');
  return v as Raw;
}

function num(raw: Raw, key: string, min: number, max: number): number | undefined {
  const v = raw[key.slice(key.lastIndexOf('.') + 1)];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw invalid(key, v, `a number from ${min} to ${max}`);
  return v;
}

function str(raw: Raw, key: string): string | undefined {
  const v = raw[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length > 4096) throw invalid(key, v, 'a non-empty path');
  return v;
}

function paths(raw: Raw): string[] {
  const v = raw['watchPaths'];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.length > MAX_WATCH_PATHS || !v.every((p) => typeof p === 'string' && p.length > 0 && p.length <= 4096)) {
    throw invalid('watchPaths', v, `an array of at most ${MAX_WATCH_PATHS} paths`);
  }
  return [...(v as string[])];
}
