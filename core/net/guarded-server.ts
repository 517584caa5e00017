import { createServer, type Server, type Socket } from 'node:net';
import { listenOn, type ConnectionAdmission, type NetListener } from '../sdk/net.js';
import { clientKey } from './client-key.js';
import type { ConnectionGuard } from './connection-guard.js';

export interface GuardedServerDeps {
  guard: ConnectionGuard;
  noDelay: boolean;
  /** Told the bound address once listening (status, ports file). */
  report(address: { host: string; port: number }): void;
  /** Called once when the server closes for good (gives the descriptors back). */
  onClosed?(): void;
  /** The owner's socket handler threw: the socket is closed, the error reported here. */
  onError?(err: unknown): void;
}

/**
 * A TCP listener whose every accepted socket goes through a ConnectionGuard before the owner sees
 * it: admitted as idle (evicting older idle sockets beyond the caps), released when it closes.
 */
export class GuardedServer implements NetListener {
  private server: Server | null = null;
  private bound: { host: string; port: number } | null = null;
  private closed = false;

  constructor(
    private readonly deps: GuardedServerDeps,
    private readonly onSocket: (socket: Socket, admission: ConnectionAdmission) => void,
  ) {}

  get listening(): boolean {
    return this.server?.listening ?? false;
  }

  get address(): { host: string; port: number } | null {
    return this.bound;
  }

  listen(host: string, port: number): Promise<{ host: string; port: number }> {
    if (this.server) return Promise.reject(new Error(`listener ${this.deps.guard.name} already started`));
    if (this.closed) return Promise.reject(new Error(`listener ${this.deps.guard.name} was closed`));
    const server = createServer({ noDelay: this.deps.noDelay }, (socket) => this.accept(socket));
    this.server = server;
    return listenOn(server, host, port).then(
      (bound) => {
        this.bound = bound;
        this.deps.report(bound);
        return bound;
      },
      (err: unknown) => {
        this.server = null;
        throw err;
      },
    );
  }

  close(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.bound = null;
    if (!this.closed) {
      this.closed = true;
      this.deps.onClosed?.();
    }
    if (!server) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    const admission = this.deps.guard.admit(clientKey(socket.remoteAddress), () => socket.destroy());
    socket.once('close', () => admission.release());
    // The plugin gets only the establish/idle slice, not the guard's bookkeeping.
    try {
      this.onSocket(socket, { clientKey: admission.clientKey, establish: (o) => admission.establish(o), idle: () => admission.idle() });
    } catch (err) {
      socket.destroy();
      this.deps.onError?.(err);
    }
  }
}
