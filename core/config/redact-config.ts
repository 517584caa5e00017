/**
 * Configuration as the API shows it: values under secret-looking keys masked (the rule of
 * `xlive config check`, format-value.ts), stream names inside keys (`record.live/<key>`) masked as
 * the event log masks them (sdk/redact.ts: a long name may be a stream key), and passwords or
 * query strings inside URLs (webhook targets) removed.
 */
import { maskStreamPath } from '../sdk/redact.js';
import { isSecretKey } from './format-value.js';
import { isPlainObject } from './key-path.js';

export const REDACTED = '***';

/** A dotted key with each segment that names a stream (`app/name`) masked. */
export function redactKey(key: string): string {
  return key
    .split('.')
    .map((seg) => (seg.includes('/') ? maskStreamPath(seg) : seg))
    .join('.');
}

/** The value at `key` as the API may show it. Objects and arrays are redacted throughout. */
export function redactValue(key: string, value: unknown): unknown {
  if (isSecretKey(key) && value !== undefined && value !== null && value !== '') return REDACTED;
  if (typeof value === 'string') return redactUrl(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(key, v));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k.includes('/') ? maskStreamPath(k) : k] = redactValue(`${key}.${k}`, v);
    return out;
  }
  return value;
}

/** `https://user:pw@host/x?token=1` → `https://user:***@host/x?***`; other strings unchanged. */
function redactUrl(text: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return text;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text;
  }
  if (url.password === '' && url.search === '') return text;
  if (url.password !== '') url.password = REDACTED;
  const shown = url.toString();
  return url.search === '' ? shown : `${shown.slice(0, shown.indexOf('?'))}?${REDACTED}`;
}
