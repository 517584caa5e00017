/** The plugin's config section (`plugins.http-flv`), as validated by the host against package.json. */
import { ConfigError } from 'xlive/sdk';

export interface HttpFlvConfig {
  /** Concurrent HTTP-FLV + WS-FLV viewers across all streams. */
  maxViewers: number;
  /** Per-viewer queue budget overrides passed to `subscribe` (the hub's defaults otherwise). */
  queueBytes?: number;
  queueMs?: number;
}

export const DEFAULT_MAX_VIEWERS = 2000;

/** Read the frozen config defensively (the host validates it; this names the key if it did not). */
export function resolveConfig(raw: Readonly<Record<string, unknown>>): HttpFlvConfig {
  const config: HttpFlvConfig = { maxViewers: positiveInt(raw, 'maxViewers') ?? DEFAULT_MAX_VIEWERS };
  const queueBytes = positiveInt(raw, 'queueBytes');
  const queueMs = positiveInt(raw, 'queueMs');
  if (queueBytes !== undefined) config.queueBytes = queueBytes;
  if (queueMs !== undefined) config.queueMs = queueMs;
  return config;
}

function positiveInt(raw: Readonly<Record<string, unknown>>, key: string): number | undefined {
  const v = raw[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new ConfigError(`plugins.http-flv.${key} must be a positive integer, got ${JSON.stringify(v)}`, {
      details: { key: `plugins.http-flv.${key}`, value: v },
    });
  }
  return v;
}
