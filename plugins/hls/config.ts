/** The plugin's config section (`plugins.hls`), as validated by the host against package.json. */
import { ConfigError } from 'xlive/sdk';

export interface HlsConfig {
  /** Target segment duration; segments are cut at the first keyframe after it. */
  segmentMs: number;
  /** Segments listed by a live playlist. */
  windowSize: number;
  /** How long a stream's muxer state and live segments outlive its publisher. */
  stateTtlMs: number;
  /** How long after the publisher left a playlist gets EXT-X-ENDLIST (a reconnect before that continues it). */
  endGraceMs: number;
  /** Segment writes queued per stream before the oldest pending one is dropped. */
  maxPendingWrites: number;
  /** Streams with HLS state (live or ended within the TTL); over it the oldest ended one is released. */
  maxStreams: number;
  /** Cache-Control max-age of segments (they never change). */
  segmentMaxAgeSeconds: number;
  /** Keep recordings when the storage provider's config asks for them. */
  recordings: boolean;
  /** Storage provider name; the default provider when unset. */
  storage?: string;
}

export const HLS_DEFAULTS: Omit<HlsConfig, 'endGraceMs'> = {
  segmentMs: 2000,
  windowSize: 6,
  stateTtlMs: 60_000,
  maxPendingWrites: 3,
  maxStreams: 256,
  segmentMaxAgeSeconds: 86_400,
  recordings: true,
};

/** Read the frozen config defensively (the host validates it; this names the key if it did not). */
export function resolveConfig(raw: Readonly<Record<string, unknown>>): HlsConfig {
  const segmentMs = int(raw, 'segmentMs', 200, 60_000) ?? HLS_DEFAULTS.segmentMs;
  const config: HlsConfig = {
    segmentMs,
    windowSize: int(raw, 'windowSize', 2, 100) ?? HLS_DEFAULTS.windowSize,
    stateTtlMs: int(raw, 'stateTtlMs', 1000, 86_400_000) ?? HLS_DEFAULTS.stateTtlMs,
    endGraceMs: int(raw, 'endGraceMs', 0, 3_600_000) ?? 2 * segmentMs,
    maxPendingWrites: int(raw, 'maxPendingWrites', 1, 64) ?? HLS_DEFAULTS.maxPendingWrites,
    maxStreams: int(raw, 'maxStreams', 1, 10_000) ?? HLS_DEFAULTS.maxStreams,
    segmentMaxAgeSeconds: int(raw, 'segmentMaxAgeSeconds', 0, 31_536_000) ?? HLS_DEFAULTS.segmentMaxAgeSeconds,
    recordings: bool(raw, 'recordings') ?? HLS_DEFAULTS.recordings,
  };
  const storage = raw['storage'];
  if (storage !== undefined && storage !== null) {
    if (typeof storage !== 'string' || storage === '') throw invalid('storage', storage, 'must be a provider name');
    config.storage = storage;
  }
  if (config.endGraceMs > config.stateTtlMs) {
    throw invalid('endGraceMs', config.endGraceMs, `must not exceed stateTtlMs (${config.stateTtlMs})`);
  }
  return config;
}

function int(raw: Readonly<Record<string, unknown>>, key: string, min: number, max: number): number | undefined {
  const v = raw[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw invalid(key, v, `must be an integer from ${min} to ${max}`);
  }
  return v;
}

function bool(raw: Readonly<Record<string, unknown>>, key: string): boolean | undefined {
  const v = raw[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalid(key, v, 'must be true or false');
  return v;
}

function invalid(key: string, value: unknown, why: string): ConfigError {
  return new ConfigError(`plugins.hls.${key} ${why}, got ${JSON.stringify(value)}`, { details: { key: `plugins.hls.${key}`, value } });
}
