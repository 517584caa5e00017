/**
 * One HTTP POST with a hard timeout covering connect, upload and the whole response (whose body is
 * read and discarded). No connection reuse (`agent: false`): deliveries are rare and a dead receiver
 * must not pin sockets. Redirects are not followed.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface PostResult {
  status: number;
  headers: IncomingHttpHeaders;
}

export class PostTimeoutError extends Error {
  constructor(ms: number) {
    super(`no complete answer within ${ms} ms`);
    this.name = 'PostTimeoutError';
  }
}

export type PostJson = (url: URL, body: string, headers: Record<string, string>, timeoutMs: number, signal: AbortSignal) => Promise<PostResult>;

export const postJson: PostJson = (url, body, headers, timeoutMs, signal) =>
  new Promise<PostResult>((resolve, reject) => {
    let settled = false;
    const done = (err: Error | undefined, result?: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (err) {
        req.destroy();
        reject(err);
      } else resolve(result!);
    };
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(url, {
      method: 'POST',
      agent: false,
      headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
    });
    const timer = setTimeout(() => done(new PostTimeoutError(timeoutMs)), timeoutMs);
    const onAbort = () => done(new Error('delivery stopped'));
    if (signal.aborted) return done(new Error('delivery stopped'));
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err) => done(err));
    req.on('response', (res) => {
      res.on('error', (err) => done(err));
      res.on('end', () => done(undefined, { status: res.statusCode ?? 0, headers: res.headers }));
      res.resume();
    });
    req.end(body);
  });
