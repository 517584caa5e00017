import { chmodSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { describeError } from '../core/errors/xlive-error.js';
import type { Logger } from '../core/logging/logger.js';

/** `<runtimeDir>/console.sock`: where `xlive plugins list` asks the running box. */
export const CONSOLE_SOCKET = 'console.sock';
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

export function consoleSocketOf(runtimeDir: string): string {
  return join(runtimeDir, CONSOLE_SOCKET);
}

/** What the running box tells the console: the same plugin list as `GET /api/v1/plugins`. */
export interface ConsoleSnapshot {
  pid: number;
  version: string;
  plugins: Array<{ id: string; version: string | null; kinds: string[]; source: string; enabled: boolean; enabledAfterRestart: boolean; pending: boolean; state: string; error: { code: string; message: string } | null; consentPending: boolean }>;
}

/**
 * A read-only Unix socket, mode 0600 in the runtime folder, so only the service user (and root) can
 * connect — the same people who can open the box's database. A connection gets one JSON snapshot
 * and is closed; nothing is read from it. No network exposure, no credential to issue or leak.
 */
export class ConsoleSocket {
  private server: Server | undefined;

  constructor(
    private readonly file: string,
    private readonly snapshot: () => ConsoleSnapshot,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    rmSync(this.file, { force: true }); // left by a box that did not stop cleanly
    const server = createServer((socket) => {
      socket.on('error', () => undefined);
      try {
        socket.end(JSON.stringify(this.snapshot()) + '\n');
      } catch (err) {
        socket.destroy();
        this.log.warn(`console socket: ${describeError(err)}`);
      }
    });
    server.on('error', (err) => this.log.warn(`console socket ${this.file}: ${describeError(err)}`));
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ path: this.file, readableAll: false, writableAll: false }, () => resolve());
      });
      chmodSync(this.file, 0o600);
      this.server = server;
    } catch (err) {
      // The console then shows the saved state, labelled as such.
      this.log.warn(`cannot open the console socket ${this.file} (xlive plugins list shows the saved state only): ${describeError(err)}`);
      server.close();
    }
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    rmSync(this.file, { force: true });
  }
}

/** Ask the running box; undefined when none answers (not running, or no access) within `timeoutMs`. */
export function askConsoleSocket(file: string, timeoutMs = 3000): Promise<ConsoleSnapshot | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const socket = createConnection({ path: file });
    const done = (v: ConsoleSnapshot | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.on('error', () => done(undefined));
    socket.on('data', (d: Buffer) => {
      size += d.length;
      if (size > MAX_ANSWER_BYTES) return done(undefined);
      chunks.push(d);
    });
    socket.on('end', () => {
      try {
        done(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ConsoleSnapshot);
      } catch {
        done(undefined);
      }
    });
  });
}
