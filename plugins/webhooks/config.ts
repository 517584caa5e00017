/** The plugin's config section (`plugins.webhooks`), as validated by the host against package.json. */
import { ConfigError } from 'xlive/sdk';

export interface WebhooksConfig {
  urls: string[];
  types: string[];
  timeoutMs: number;
  retries: number;
  backoffMs: number;
  maxBackoffMs: number;
  queueSize: number;
  secret?: string;
}

const SECTION = 'plugins.webhooks';
const TYPE = /^(\*|[a-z0-9_-]+(\.[a-z0-9_-]+)*(\.\*)?)$/;

export const DEFAULTS = Object.freeze({ timeoutMs: 5000, retries: 3, backoffMs: 1000, maxBackoffMs: 30_000, queueSize: 100 });

type Raw = Readonly<Record<string, unknown>>;

/** Read the frozen config defensively (the host validates it; this names the key when it did not) and apply defaults. */
export function resolveConfig(raw: Raw): WebhooksConfig {
  const config: WebhooksConfig = {
    urls: strings(raw, 'urls', 10, isHttpUrl, 'an http(s) URL'),
    types: strings(raw, 'types', 50, (t) => TYPE.test(t) && t.length <= 64, 'an event type, `prefix.*` or `*`'),
    timeoutMs: int(raw, 'timeoutMs', 100, 60_000) ?? DEFAULTS.timeoutMs,
    retries: int(raw, 'retries', 0, 10) ?? DEFAULTS.retries,
    backoffMs: int(raw, 'backoffMs', 10, 60_000) ?? DEFAULTS.backoffMs,
    maxBackoffMs: int(raw, 'maxBackoffMs', 10, 600_000) ?? DEFAULTS.maxBackoffMs,
    queueSize: int(raw, 'queueSize', 1, 10_000) ?? DEFAULTS.queueSize,
  };
  const secret = raw['secret'];
  if (secret !== undefined && secret !== null) {
    if (typeof secret !== 'string' || secret.length === 0 || secret.length > 256) throw invalid('secret', '(hidden)', 'a string of 1 to 256 characters');
    config.secret = secret;
  }
  return config;
}

function isHttpUrl(s: string): boolean {
  if (s.length > 2048) return false;
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

function invalid(key: string, value: unknown, what: string): ConfigError {
  return new ConfigError(`${SECTION}.${key} must be ${what}, got ${typeof value === 'string' ? value : JSON.stringify(value)}`, { details: { key: `${SECTION}.${key}` } });
}

function strings(raw: Raw, key: string, max: number, ok: (s: string) => boolean, what: string): string[] {
  const v = raw[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.length > max) throw invalid(key, v, `an array of at most ${max} items`);
  v.forEach((item, i) => {
    if (typeof item !== 'string' || !ok(item)) throw invalid(`${key}[${i}]`, key === 'urls' ? redactUrl(item) : item, what);
  });
  return [...(v as string[])];
}

function int(raw: Raw, key: string, min: number, max: number): number | undefined {
  const v = raw[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw invalid(key, v, `an integer from ${min} to ${max}`);
  return v;
}

/** A URL's origin only: paths and queries of webhook URLs often carry secrets (never logged or labelled). */
export function redactUrl(v: unknown): string {
  if (typeof v !== 'string') return JSON.stringify(v);
  try {
    return `${new URL(v).origin}/…`;
  } catch {
    return '(not a URL)';
  }
}
