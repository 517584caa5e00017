import { createHash } from 'node:crypto';

/**
 * Redaction of log text before it is kept where a remote admin can read it (the log ring behind
 * `GET /api/v1/logs`). Defence in depth: code already avoids logging secrets, but a stray message
 * (an error quoting a URL, a header dump, a failing JSON body) must not carry one out. Removed:
 * bearer tokens and Authorization/Cookie header values, JWTs, values of secret-named parameters and
 * JSON properties (`token=`, `key=`, `sig=`, `"password": …`), and long random-looking words (stream
 * keys, API secrets, padded base64, 40+ hex digits), which become `key#<first 8 hex of SHA-256>` like
 * `maskStreamName`.
 */
const SECRET_NAMES = 'pass(?:word|wd)?|secret|token|access_token|refresh_token|api_?key|key|stream_?key|sig|signature|csrf(?:_?token)?|session(?:_?id)?|setup_?code|authorization|cookie|set-cookie|x-csrf-token';
const SECRET_FIELD = new RegExp(`^(?:${SECRET_NAMES})$|pass|secret|token|authorization|cookie`, 'i');

const RULES: Array<[RegExp, string | ((...m: string[]) => string)]> = [
  // Authorization: Bearer <token> / Basic <creds>, anywhere.
  [/\b(Bearer|Basic)\s+[^\s"',;]+/gi, '$1 [redacted]'],
  // Header lines and header-ish pairs: `authorization: x`, `cookie=x`, `x-csrf-token: x`.
  [/\b(authorization|proxy-authorization|cookie|set-cookie|x-csrf-token)(\s*[:=]\s*)(?!\[redacted\])[^\r\n"]+/gi, '$1$2[redacted]'],
  // JSON properties with secret names: "password":"…".
  [new RegExp(`("(?:${SECRET_NAMES})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi'), '$1"[redacted]"'],
  // URL query / key=value pairs: ?token=…, &sig=…, password=….
  [new RegExp(`\\b(${SECRET_NAMES})=(?!\\[redacted\\])[^&\\s"',;]+`, 'gi'), '$1=[redacted]'],
  // JWTs (three base64url parts, the first a JSON header).
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[redacted-jwt]'],
  // Padded standard base64 of 20+ characters (a secret file's content) and long hex (signatures, HMACs).
  [/(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/]{20,}={1,2}(?![A-Za-z0-9+/=])/g, (w) => fingerprint(w)],
  [/(?<![A-Za-z0-9_-])[0-9a-fA-F]{40,}(?![A-Za-z0-9_-])/g, (w) => fingerprint(w)],
  // Random-looking words (mixed case and digits, 20+ characters): stream keys, token secrets.
  [/(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_-]{20,})(?=[A-Za-z0-9_-]*[A-Z])(?=[A-Za-z0-9_-]*[a-z])(?=[A-Za-z0-9_-]*[0-9])[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-])/g, (w) => fingerprint(w)],
];

export function redactText(text: string): string {
  let out = text;
  for (const [re, rep] of RULES) out = out.replace(re, rep as string);
  return out;
}

/** Fields of a log record: values of secret-named fields dropped, others redacted as text. */
export function redactFields(fields: Record<string, unknown>): string {
  let line = '';
  for (const [k, v] of Object.entries(fields)) {
    if (SECRET_FIELD.test(k)) line += ` ${k}=[redacted]`;
    else line += ` ${k}=${redactText(typeof v === 'string' ? v : safeJson(v))}`;
  }
  return line;
}

function fingerprint(word: string): string {
  return `key#${createHash('sha256').update(word).digest('hex').slice(0, 8)}`;
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
