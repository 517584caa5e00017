/** The plugin's config section (`plugins.storage-local`), as validated by the host against package.json. */
import { ConfigError } from 'xlive/sdk';

/** Retention limits of one storage class; 0 means "no limit". */
export interface ClassLimits {
  maxSegmentsPerStream: number;
  maxBytesPerStream: number;
  maxSegments: number;
  maxBytes: number;
  maxAgeMs: number;
  /** Free-space watermark: the larger of these two. */
  minFreeBytes: number;
  minFreePercent: number;
}

export interface LiveLimits extends ClassLimits {
  /** Free-space eviction never takes a stream below this many segments (its playlist must keep playing). */
  minSegmentsPerStream: number;
}

/** What recording does when its filesystem is below the watermark. */
export type LowSpacePolicy = 'pause' | 'evict-oldest';

export interface RecordingLimits extends ClassLimits {
  /** Recording resumes once free space is above the watermark plus this margin. */
  resumeMarginBytes: number;
  onLowSpace: LowSpacePolicy;
}

export interface StorageLocalConfig {
  liveDir?: string;
  recordingsDir?: string;
  live: LiveLimits;
  recording: RecordingLimits;
  record: Readonly<Record<string, boolean>>;
  recordAll: boolean;
  maintenanceIntervalMs: number;
  maxObjectBytes: number;
  /** fdatasync recording segments before the rename (power-loss safety on the SD card). */
  fsyncRecordings: boolean;
}

const MiB = 1024 * 1024;
const SECTION = 'plugins.storage-local';

export const LIVE_DEFAULTS: Readonly<LiveLimits> = Object.freeze({
  maxSegmentsPerStream: 20,
  maxBytesPerStream: 0,
  maxSegments: 10_000,
  maxBytes: 200 * MiB,
  maxAgeMs: 3600 * 1000,
  minFreeBytes: 16 * MiB,
  minFreePercent: 0,
  minSegmentsPerStream: 3,
});

export const RECORDING_DEFAULTS: Readonly<RecordingLimits> = Object.freeze({
  maxSegmentsPerStream: 0,
  maxBytesPerStream: 0,
  maxSegments: 100_000,
  maxBytes: 2048 * MiB,
  maxAgeMs: 7 * 24 * 3600 * 1000,
  minFreeBytes: 512 * MiB,
  minFreePercent: 0,
  resumeMarginBytes: 128 * MiB,
  onLowSpace: 'pause',
});

type Raw = Readonly<Record<string, unknown>>;

/** Read the frozen config defensively (the host validates it; this names the key when it did not) and apply defaults. */
export function resolveConfig(raw: Raw): StorageLocalConfig {
  const live = section(raw, 'live');
  const rec = section(raw, 'recording');
  const config: StorageLocalConfig = {
    live: {
      ...classLimits(live, 'live', LIVE_DEFAULTS),
      minSegmentsPerStream: int(live, 'live.minSegmentsPerStream', 'minSegmentsPerStream', 0) ?? LIVE_DEFAULTS.minSegmentsPerStream,
    },
    recording: {
      ...classLimits(rec, 'recording', RECORDING_DEFAULTS),
      resumeMarginBytes: int(rec, 'recording.resumeMarginBytes', 'resumeMarginBytes', 0) ?? RECORDING_DEFAULTS.resumeMarginBytes,
      onLowSpace: lowSpace(rec['onLowSpace']),
    },
    record: recordMap(raw['record']),
    recordAll: bool(raw, 'recordAll') ?? false,
    maintenanceIntervalMs: (int(raw, 'maintenanceIntervalSeconds', 'maintenanceIntervalSeconds', 1) ?? 30) * 1000,
    maxObjectBytes: int(raw, 'maxObjectBytes', 'maxObjectBytes', 1) ?? 128 * MiB,
    fsyncRecordings: bool(raw, 'fsyncRecordings') ?? true,
  };
  const liveDir = dir(raw, 'liveDir');
  const recordingsDir = dir(raw, 'recordingsDir');
  if (liveDir !== undefined) config.liveDir = liveDir;
  if (recordingsDir !== undefined) config.recordingsDir = recordingsDir;
  return config;
}

function classLimits(raw: Raw, name: string, d: Readonly<ClassLimits>): ClassLimits {
  const n = (key: keyof ClassLimits | 'maxAgeSeconds', min = 0) => int(raw, `${name}.${key}`, key, min);
  const age = n('maxAgeSeconds');
  const percent = n('minFreePercent');
  if (percent !== undefined && percent > 99) fail(`${name}.minFreePercent`, percent, 'must be 0-99');
  return {
    maxSegmentsPerStream: n('maxSegmentsPerStream') ?? d.maxSegmentsPerStream,
    maxBytesPerStream: n('maxBytesPerStream') ?? d.maxBytesPerStream,
    maxSegments: n('maxSegments') ?? d.maxSegments,
    maxBytes: n('maxBytes') ?? d.maxBytes,
    maxAgeMs: age === undefined ? d.maxAgeMs : age * 1000,
    minFreeBytes: n('minFreeBytes') ?? d.minFreeBytes,
    minFreePercent: percent ?? d.minFreePercent,
  };
}

function section(raw: Raw, key: string): Raw {
  const v = raw[key];
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) fail(key, v, 'must be an object');
  return v as Raw;
}

function int(raw: Raw, name: string, key: string, min: number): number | undefined {
  const v = raw[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) fail(name, v, `must be an integer >= ${min}`);
  return v as number;
}

function bool(raw: Raw, key: string): boolean | undefined {
  const v = raw[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') fail(key, v, 'must be true or false');
  return v as boolean;
}

function dir(raw: Raw, key: string): string | undefined {
  const v = raw[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' || !v.startsWith('/') || v.includes('\0') || v.length > 1024) fail(key, v, 'must be an absolute directory path');
  return v as string;
}

function lowSpace(v: unknown): LowSpacePolicy {
  if (v === undefined || v === null) return RECORDING_DEFAULTS.onLowSpace;
  if (v !== 'pause' && v !== 'evict-oldest') fail('recording.onLowSpace', v, 'must be "pause" or "evict-oldest"');
  return v as LowSpacePolicy;
}

function recordMap(v: unknown): Readonly<Record<string, boolean>> {
  if (v === undefined || v === null) return Object.freeze({});
  if (typeof v !== 'object' || Array.isArray(v)) fail('record', v, 'must map "<app>/<stream>" to true or false');
  const out: Record<string, boolean> = {};
  for (const [path, on] of Object.entries(v as Raw)) {
    if (typeof on !== 'boolean') fail(`record.${path}`, on, 'must be true or false');
    out[path] = on as boolean;
  }
  return Object.freeze(out);
}

function fail(key: string, value: unknown, why: string): never {
  throw new ConfigError(`${SECTION}.${key} ${why}, got ${JSON.stringify(value)}`, { details: { key: `${SECTION}.${key}`, value } });
}
