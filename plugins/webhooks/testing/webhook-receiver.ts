/** A local HTTP receiver on 127.0.0.1:0 for webhook tests: records each POST and answers as told. */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  n: number;
  at: number;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Resolves when the client closed or the answer was sent. */
  closed: Promise<void>;
}

/** How to answer the n-th request: a status, or `hang` (never answer), or a function given the response. */
export type Answer = number | 'hang' | ((res: ServerResponse) => void);

export interface Receiver {
  url: string;
  received: Received[];
  /** Resolves once `count` requests have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(answer: (r: Received) => Answer): Promise<Receiver> {
  const received: Received[] = [];
  const waiters: Array<() => void> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let closedResolve!: () => void;
      const closed = new Promise<void>((r) => (closedResolve = r));
      res.on('close', () => closedResolve());
      const r: Received = { n: received.length + 1, at: Date.now(), url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), closed };
      received.push(r);
      waiters.splice(0).forEach((w) => w());
      const a = answer(r);
      if (a === 'hang') return;
      if (typeof a === 'function') return a(res);
      res.writeHead(a, { 'content-type': 'text/plain' }).end(`answer ${a}\n`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    async waitFor(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`receiver got ${received.length} of ${count} requests in ${timeoutMs} ms`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 50).unref();
        });
      }
      return received.slice(0, count);
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
