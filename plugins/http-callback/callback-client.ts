/**
 * One callback POST: the answer's status and the start of its body (at most MAX_BODY bytes are
 * kept; the rest is discarded). No connection reuse, no redirects; `signal` aborts it at once.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export const MAX_BODY = 4096;

export interface CallbackAnswer {
  status: number;
  /** The body's first MAX_BODY bytes, as text. */
  body: string;
}

export type PostCallback = (url: URL, body: string, headers: Record<string, string>, signal: AbortSignal) => Promise<CallbackAnswer>;

export const postCallback: PostCallback = (url, body, headers, signal) =>
  new Promise<CallbackAnswer>((resolve, reject) => {
    let settled = false;
    const chunks: Buffer[] = [];
    let kept = 0;
    const done = (err: Error | undefined, answer?: CallbackAnswer) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (err) {
        req.destroy();
        reject(err);
      } else resolve(answer!);
    };
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(url, {
      method: 'POST',
      agent: false,
      headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
    });
    const onAbort = () => done(signal.reason instanceof Error ? signal.reason : new Error('callback aborted'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err) => done(err));
    req.on('response', (res) => {
      res.on('error', (err) => done(err));
      res.on('data', (c: Buffer) => {
        if (kept >= MAX_BODY) return;
        const part = c.subarray(0, MAX_BODY - kept);
        chunks.push(part);
        kept += part.length;
      });
      res.on('end', () => done(undefined, { status: res.statusCode ?? 0, body: Buffer.concat(chunks, kept).toString('utf8') }));
    });
    req.end(body);
  });
