/** The plugin's config section (`plugins.http-callback`), as validated by the host against package.json. */
import { ConfigError } from 'xlive/sdk';

export interface HttpCallbackConfig {
  publishUrl?: URL;
  playUrl?: URL;
  timeoutMs: number;
  retries: number;
  backoffMs: number;
  order: number;
  onError: 'deny' | 'allow';
  sendCredentials: boolean;
  maxConcurrent: number;
  secret?: string;
}

const SECTION = 'plugins.http-callback';
export const DEFAULTS = Object.freeze({ timeoutMs: 3000, retries: 2, backoffMs: 100, order: 150, onError: 'deny' as const, sendCredentials: true, maxConcurrent: 32 });

type Raw = Readonly<Record<string, unknown>>;

/** Read the frozen config defensively (the host validates it; this names the key when it did not) and apply defaults. */
export function resolveConfig(raw: Raw): HttpCallbackConfig {
  const config: HttpCallbackConfig = {
    timeoutMs: int(raw, 'timeoutMs', 100, 30_000) ?? DEFAULTS.timeoutMs,
    retries: int(raw, 'retries', 0, 5) ?? DEFAULTS.retries,
    backoffMs: int(raw, 'backoffMs', 10, 5000) ?? DEFAULTS.backoffMs,
    order: num(raw, 'order') ?? DEFAULTS.order,
    onError: raw['onError'] === undefined ? DEFAULTS.onError : oneOf(raw, 'onError', ['deny', 'allow'] as const),
    sendCredentials: raw['sendCredentials'] === undefined ? DEFAULTS.sendCredentials : bool(raw, 'sendCredentials'),
    maxConcurrent: int(raw, 'maxConcurrent', 1, 1000) ?? DEFAULTS.maxConcurrent,
  };
  for (const key of ['publishUrl', 'playUrl'] as const) {
    const v = raw[key];
    if (v === undefined || v === null || v === '') continue;
    config[key] = httpUrl(key, v);
  }
  const secret = raw['secret'];
  if (secret !== undefined && secret !== null) {
    if (typeof secret !== 'string' || secret.length === 0 || secret.length > 256) throw invalid('secret', '(hidden)', 'a string of 1 to 256 characters');
    config.secret = secret;
  }
  return config;
}

/** A URL fit for a log line: no credentials, no query (either may hold a secret). */
export function shownUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function httpUrl(key: string, v: unknown): URL {
  if (typeof v === 'string' && v.length <= 2048) {
    try {
      const u = new URL(v);
      if ((u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '') return u;
    } catch {
      // reported below
    }
  }
  throw invalid(key, v, 'an http(s) URL');
}

function invalid(key: string, value: unknown, what: string): ConfigError {
  return new ConfigError(`${SECTION}.${key} must be ${what}, got ${typeof value === 'string' ? value.slice(0, 200) : JSON.stringify(value)}`, { details: { key: `${SECTION}.${key}` } });
}

function int(raw: Raw, key: string, min: number, max: number): number | undefined {
  const v = raw[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw invalid(key, v, `an integer from ${min} to ${max}`);
  return v;
}

function num(raw: Raw, key: string): number | undefined {
  const v = raw[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) > 1_000_000) throw invalid(key, v, 'a number from -1000000 to 1000000');
  return v;
}

function bool(raw: Raw, key: string): boolean {
  const v = raw[key];
  if (typeof v !== 'boolean') throw invalid(key, v, 'true or false');
  return v;
}

function oneOf<T extends string>(raw: Raw, key: string, values: readonly T[]): T {
  const v = raw[key];
  if (typeof v !== 'string' || !values.includes(v as T)) throw invalid(key, v, values.map((x) => `"${x}"`).join(' or '));
  return v as T;
}
