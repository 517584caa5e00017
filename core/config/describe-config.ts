/**
 * The human listing behind `xlive config check`: one line per leaf value with the layer that set it,
 *   http.port = 8080                 (env XLIVE_HTTP_PORT)
 *   plugins.rtmp.port = 1935         (defaults)
 * Values whose key looks like a secret are masked.
 */
import { formatValue } from './format-value.js';

/** Widest `key = value` part that still pushes the origin column right. */
const MAX_ALIGN = 56;
const GAP = '   ';

export function describeEntries(entries: ReadonlyArray<readonly [string, unknown]>, originOf: (key: string) => string): string {
  const heads = entries.map(([key, value]) => `${key} = ${formatValue(key, value)}`);
  const width = Math.min(MAX_ALIGN, Math.max(0, ...heads.map((h) => h.length)));
  return heads.map((h, k) => `${h.padEnd(width)}${GAP}(${originOf(entries[k]![0])})`).join('\n');
}
