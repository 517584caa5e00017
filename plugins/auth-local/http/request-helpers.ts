import type { TLSSocket } from 'node:tls';
import { ValidationError, type Context, type HttpRegistrar, type Principal } from 'xlive/sdk';

/** The core's session cookie and CSRF header names (core/http/access-policy.ts reads the same). */
export const SESSION_COOKIE = 'xlive_session';
export const CSRF_HEADER = 'x-csrf-token';

/** Parse a JSON object body; the Content-Type must say JSON (a cross-site form cannot send that without a preflight). */
export async function readJson(c: Context): Promise<Record<string, unknown>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) throw new ValidationError('send the body as JSON (Content-Type: application/json)');
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new ValidationError('the request body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ValidationError('the request body must be a JSON object');
  return body as Record<string, unknown>;
}

export interface RequestFacts {
  /** Client IP (the first X-Forwarded-For hop only with trustProxy). */
  ip: string;
  /** Whether the browser reached us over TLS (directly, or per X-Forwarded-Proto with trustProxy). */
  secure: boolean;
}

export function requestFacts(http: HttpRegistrar, c: Context, trustProxy: boolean): RequestFacts {
  const { req } = http.raw(c);
  let ip = req.socket.remoteAddress ?? 'unknown';
  let secure = (req.socket as Partial<TLSSocket>).encrypted === true;
  if (trustProxy) {
    const first = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (first) ip = first.slice(0, 64);
    if (c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() === 'https') secure = true;
  }
  return { ip, secure };
}

/** The principal the core's access guard set for this request (undefined on public routes). */
export function principalOf(c: Context): Principal | undefined {
  return (c.get as (key: string) => unknown)('principal') as Principal | undefined;
}

export function readCookie(c: Context, name: string): string | undefined {
  const header = c.req.header('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** `Set-Cookie` for a session: HttpOnly, SameSite=Strict, Path=/, Secure over TLS. */
export function sessionCookie(id: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', 0, secure);
}

/** JSON response that must not be cached (it may carry a secret shown once, or a CSRF token). */
export function noStoreJson(c: Context, body: unknown, status: 200 | 201 = 200, cookie?: string): Response {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store' };
  if (cookie) headers['set-cookie'] = cookie;
  return new Response(JSON.stringify(body), { status, headers });
}

export function parseId(v: string | undefined, what: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0) throw new ValidationError(`${what} must be a positive integer, got ${JSON.stringify((v ?? '').slice(0, 20))}`);
  return n;
}

export function optionalBoolean(body: Record<string, unknown>, key: string): boolean | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new ValidationError(`${key} must be true or false`);
  return v;
}
