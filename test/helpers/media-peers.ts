/**
 * Real peers for end-to-end tests: an ffmpeg publisher that runs until stopped, an ffmpeg viewer
 * (HTTP-FLV or RTMP play) whose exit a test can wait for, and an HTTP request from a chosen loopback
 * source address (127.0.0.2, 127.0.0.3 …) so per-address limits see distinct clients.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';

export interface Peer {
  child: ChildProcess;
  /** Resolves with the exit code (or signal) once ffmpeg ended. */
  exited: Promise<number | string | null>;
  stderr(): string;
  /** Whether it is still running. */
  running(): boolean;
  /** SIGKILL it (our own child, by handle) and wait. */
  stop(): Promise<number | string | null>;
}

function ffmpeg(args: string[], maxMs: number): Peer {
  const child = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const timer = setTimeout(() => child.kill('SIGKILL'), maxMs);
  void exited.then(() => clearTimeout(timer));
  return {
    child,
    exited,
    stderr: () => err,
    running: () => child.exitCode === null && child.signalCode === null,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
  };
}

/** Publish a test pattern in real time for at most `seconds` to an RTMP URL. */
export function startPublisher(url: string, seconds = 60, opts: { gop?: number } = {}): Peer {
  const args = ['-re', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25', '-f', 'lavfi', '-i', 'sine', '-t', String(seconds)];
  // `gop`: frames between keyframes (25 = one a second at 25 fps); scenecut off so the interval is exact.
  args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-g', String(opts.gop ?? 25), ...(opts.gop ? ['-sc_threshold', '0', '-keyint_min', String(opts.gop)] : []), '-c:a', 'aac', '-f', 'flv', url);
  return ffmpeg(args, (seconds + 20) * 1000);
}

/** Watch an HTTP-FLV or RTMP URL, decoding to nothing, for at most `seconds`. */
export function startViewer(url: string, seconds = 60): Peer {
  return ffmpeg(['-i', url, '-t', String(seconds), '-f', 'null', '-'], (seconds + 20) * 1000);
}

/** Wait for a peer to end: its exit code (null when killed) and the end of its stderr. */
export async function runToEnd(peer: Peer): Promise<{ code: number | null; stderr: string }> {
  const exit = await peer.exited;
  return { code: typeof exit === 'number' ? exit : null, stderr: peer.stderr() };
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json<T = Record<string, unknown>>(): T;
}

/** One HTTP request with full control of headers (`Host`, `Origin`) and the source address. */
export function rawRequest(
  url: string,
  o: { method?: string; headers?: Record<string, string>; body?: unknown; localAddress?: string; timeoutMs?: number } = {},
): Promise<RawAnswer> {
  const payload = o.body === undefined ? undefined : JSON.stringify(o.body);
  const headers: Record<string, string> = { ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }), ...o.headers };
  return new Promise((resolve, reject) => {
    const req = request(url, { method: o.method ?? 'GET', headers, ...(o.localAddress && { localAddress: o.localAddress }), timeout: o.timeoutMs ?? 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: <T>() => JSON.parse(body) as T });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`request to ${url} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Poll `check` every 100 ms until it is true or `ms` passed; returns its last answer. */
export async function waitFor(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}
