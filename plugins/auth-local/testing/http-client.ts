/** A tiny API client for end-to-end tests: session cookie + CSRF token, or a bearer token. */
export interface Creds {
  cookie?: string;
  csrf?: string;
  token?: string;
  headers?: Record<string, string>;
}

export interface Answer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export async function call<T = Record<string, unknown>>(base: string, method: string, path: string, creds: Creds = {}, body?: unknown): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...creds.headers };
  if (creds.cookie) headers['cookie'] = creds.cookie;
  if (creds.csrf) headers['x-csrf-token'] = creds.csrf;
  if (creds.token) headers['authorization'] = `Bearer ${creds.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed as T };
}

/** `name=value` of a Set-Cookie header, for sending back. */
export function cookiePair(setCookie: string | null): string {
  if (!setCookie) throw new Error('no Set-Cookie in the answer');
  return setCookie.split(';')[0]!;
}

/** POST /api/v1/setup (or login when `login`), returning the session credentials. */
export async function signIn(base: string, username: string, password: string, login = false): Promise<Creds & { answer: Answer }> {
  const answer = await call(base, 'POST', login ? '/api/v1/session' : '/api/v1/setup', {}, { username, password });
  if (answer.status !== (login ? 200 : 201)) throw new Error(`sign-in answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return { cookie: cookiePair(answer.headers.get('set-cookie')), csrf: String(answer.body['csrfToken']), answer };
}

/** Create an API token with `scopes` as the signed-in admin; returns the JWT and its id. */
export async function makeToken(base: string, admin: Creds, scopes: readonly string[], extra: Record<string, unknown> = {}): Promise<{ token: string; id: string }> {
  const r = await call(base, 'POST', '/api/v1/tokens', admin, { name: `t-${scopes.length}-${Math.random().toString(36).slice(2, 8)}`, scopes, ...extra });
  if (r.status !== 201) throw new Error(`token creation answered ${r.status}: ${JSON.stringify(r.body)}`);
  return { token: String(r.body['token']), id: String(r.body['id']) };
}
