import { createServer, type Server, type Socket } from 'node:net';
import { listenOn, type ConnectionAdmission } from 'xlive/sdk';

/** The listener slice the server uses (the host's `ctx.net.createServer` listener, or RtmpListener). */
export interface RtmpListenerPort {
  listen(host: string, port: number): Promise<{ host: string; port: number }>;
  close(): Promise<void>;
  readonly listening: boolean;
}

/** Makes the server's listener; the plugin passes one built on `ctx.net` (admission control). */
export type RtmpListenerFactory = (onSocket: (socket: Socket, admission: ConnectionAdmission) => void) => RtmpListenerPort;

/** Admission for a listener without caps (a server built directly, in tests): always established. */
const UNGUARDED: ConnectionAdmission = { clientKey: '', establish: () => ({ ok: true }), idle: () => undefined };

/** Accepts TCP connections and hands each socket to `onSocket`; nothing else. No admission control. */
export class RtmpListener implements RtmpListenerPort {
  private server: Server | null = null;

  constructor(private readonly onSocket: (socket: Socket, admission: ConnectionAdmission) => void) {}

  /** Listen; resolves with the bound address (the real port when `port` is 0). */
  listen(host: string, port: number): Promise<{ host: string; port: number }> {
    if (this.server) return Promise.reject(new Error('rtmp listener already started'));
    const server = createServer({ noDelay: true }, (socket) => this.onSocket(socket, UNGUARDED));
    this.server = server;
    return listenOn(server, host, port).catch((err: unknown) => {
      this.server = null;
      throw err;
    });
  }

  get listening(): boolean {
    return this.server?.listening ?? false;
  }

  /** Stop accepting (open connections are the server's to close). */
  close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }
}
