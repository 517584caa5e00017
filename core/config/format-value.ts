/**
 * How a configuration value is shown in error messages and listings: JSON, shortened, and masked
 * when its key looks like a secret (password, secret, token, streamKey, apiKey…), since both end up in logs.
 */

const MAX_SHOWN = 80;
const SECRET_KEY = /(password|passwd|secret|token|key|credential)s?$/i;

export function isSecretKey(keyPath: string): boolean {
  const last = keyPath.slice(keyPath.lastIndexOf('.') + 1);
  return SECRET_KEY.test(last);
}

export function formatValue(keyPath: string, value: unknown): string {
  if (value === undefined) return 'undefined';
  if (isSecretKey(keyPath) && value !== null && value !== '') return '"***"';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}

/** The value as it may appear in `ConfigError.details` (masked like messages, never a secret). */
export function safeDetailValue(keyPath: string, value: unknown): unknown {
  return isSecretKey(keyPath) && value !== undefined && value !== null && value !== '' ? '***' : value;
}
