/** Small HTTP helpers shared by the live and recording routes: CORS, playlists, streamed objects. */
import type { ServerResponse } from 'node:http';
import type { Context, HttpRegistrar, Logger, ObjectReader, RouteHandler } from 'xlive/sdk';

/** Players on other origins (the panel behind a proxy, a web page elsewhere) may read everything. */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'Content-Length, Content-Type',
};

export const PLAYLIST_TYPE = 'application/vnd.apple.mpegurl';
export const SEGMENT_TYPE = 'video/mp2t';

export function playlistResponse(text: string, cacheControl: string): Response {
  return new Response(text, {
    status: 200,
    headers: { ...CORS_HEADERS, 'Content-Type': PLAYLIST_TYPE, 'Cache-Control': cacheControl },
  });
}

/** Stream stored objects one after another into the raw response (socket backpressure honoured). */
export function sendObjects(
  http: Pick<HttpRegistrar, 'raw' | 'alreadySent'>,
  c: Context,
  headers: Record<string, string>,
  first: ObjectReader,
  rest: () => AsyncIterable<ObjectReader>,
  log: Logger,
): Response {
  const { res } = http.raw(c);
  res.writeHead(200, { ...CORS_HEADERS, ...headers });
  let current = first;
  const run = async (): Promise<void> => {
    if (!(await copy(first, res))) return;
    for await (const next of rest()) {
      current = next;
      if (!(await copy(next, res))) return;
    }
    res.end();
  };
  run().catch((err: unknown) => {
    log.debug('object stream ended early', { error: (err as Error).message });
    destroy(current);
    res.destroy();
  });
  return http.alreadySent;
}

/** Copy one object into the response, waiting for 'drain' when the socket is full; false if the client left. */
async function copy(obj: ObjectReader, res: ServerResponse): Promise<boolean> {
  for await (const chunk of obj.stream as AsyncIterable<Uint8Array | string>) {
    if (res.destroyed) break;
    if (!res.write(chunk) && !(await drained(res))) break;
  }
  if (res.destroyed) {
    destroy(obj);
    return false;
  }
  return true;
}

/** Resolves true on 'drain', false when the response closes first. */
export function drained(res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => () => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = done(true);
    const onClose = done(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

/** A buffer in one write, through the raw response (no stream machinery on the way). */
export function sendBuffer(http: Pick<HttpRegistrar, 'raw' | 'alreadySent'>, c: Context, headers: Record<string, string>, body: Buffer): Response {
  const { res } = http.raw(c);
  res.writeHead(200, { ...CORS_HEADERS, ...headers, 'Content-Length': String(body.length) });
  res.end(c.req.method === 'HEAD' ? undefined : body);
  return http.alreadySent;
}

/** One object with its length. */
export function sendObject(
  http: Pick<HttpRegistrar, 'raw' | 'alreadySent'>,
  c: Context,
  headers: Record<string, string>,
  obj: ObjectReader,
  log: Logger,
): Response {
  return sendObjects(http, c, { ...headers, 'Content-Length': String(obj.size) }, obj, async function* () {}, log);
}

function destroy(obj: ObjectReader): void {
  const s = obj.stream as NodeJS.ReadableStream & { destroy?: () => void };
  s.destroy?.();
}

/** CORS preflight for players on other origins (Fetch standard, CORS protocol). */
export function preflightHandler(methods: string): RouteHandler {
  return (c) =>
    new Response(null, {
      status: 204,
      headers: {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Methods': methods,
        'Access-Control-Allow-Headers': c.req.header('access-control-request-headers') ?? 'Range',
        'Access-Control-Max-Age': '86400',
      },
    });
}
