/**
 * Attack tools for connection-limit tests: many idle TCP sockets from one chosen loopback source
 * address (127.0.0.x stands for another client), and HTTP requests from a chosen source address.
 */
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface Flood {
  /** Sockets the server has not closed yet (as this side sees them). */
  readonly open: number;
  /** Sockets the server closed. */
  readonly closedByServer: number;
  /** Close every socket and stop reconnecting. */
  stop(): void;
}

/**
 * Open `count` sockets to `port` from `localAddress` and send nothing (an idle flood). With
 * `reconnect`, a socket the server closes is replaced after `reconnectDelayMs` until stopped (a
 * flood that keeps pressing). `write` is sent once on connect (e.g. a partial request).
 */
export async function openFlood(port: number, count: number, opts: { localAddress: string; reconnect?: boolean; reconnectDelayMs?: number; write?: string }): Promise<Flood> {
  const sockets = new Set<Socket>();
  let closedByServer = 0;
  let stopped = false;
  const one = (): Promise<void> =>
    new Promise((resolve) => {
      const s = connect({ host: '127.0.0.1', port, localAddress: opts.localAddress });
      sockets.add(s);
      let connected = false;
      s.on('connect', () => {
        connected = true;
        if (opts.write) s.write(opts.write);
        resolve();
      });
      s.on('data', () => undefined);
      s.on('error', () => undefined);
      s.on('close', () => {
        sockets.delete(s);
        if (!connected) resolve();
        if (stopped) return;
        closedByServer++;
        if (opts.reconnect) setTimeout(() => void (stopped ? undefined : one()), opts.reconnectDelayMs ?? 20).unref();
      });
    });
  // In batches, so the listen backlog is not the limit we measure.
  for (let i = 0; i < count; i += 100) await Promise.all(Array.from({ length: Math.min(100, count - i) }, one));
  return {
    get open() {
      return sockets.size;
    },
    get closedByServer() {
      return closedByServer;
    },
    stop() {
      stopped = true;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
  };
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request on a fresh connection from `localAddress`. */
export function requestFrom(url: string, localAddress: string, init: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers, localAddress, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.setTimeout(init.timeoutMs ?? 10_000, () => req.destroy(new Error(`${url} from ${localAddress}: no answer in time`)));
    req.on('error', reject);
    req.end(init.body);
  });
}

/** A streaming GET (HTTP-FLV viewer) from `localAddress`: resolves with the status once headers arrive; the body is read and dropped. */
export function streamFrom(url: string, localAddress: string): Promise<{ status: number; body: () => string; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { localAddress, agent: false }, (res) => {
      let text = '';
      const streaming = res.statusCode === 200;
      res.on('data', (d: Buffer) => {
        if (!streaming && text.length < 4000) text += d.toString();
      });
      res.on('error', () => undefined);
      resolve({ status: res.statusCode ?? 0, body: () => text, close: () => req.destroy() });
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`${url} from ${localAddress}: no answer in time`)));
    req.on('error', reject);
    req.end();
  });
}

/** A WebSocket upgrade request from `localAddress`: resolves with 101 (socket kept, closed by `close`) or the refusal's status. */
export function upgradeFrom(url: string, localAddress: string): Promise<{ status: number; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      localAddress,
      agent: false,
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' },
    });
    req.on('upgrade', (res, socket) => {
      socket.on('error', () => undefined);
      socket.on('data', () => undefined);
      resolve({ status: res.statusCode ?? 0, close: () => socket.destroy() });
    });
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, close: () => req.destroy() });
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`${url} from ${localAddress}: no answer in time`)));
    req.on('error', reject);
    req.end();
  });
}
