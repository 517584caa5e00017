/**
 * Plugin listeners (`ctx.net`): a plugin that serves its own TCP protocol asks the host for a server
 * instead of calling `node:net` itself. The host checks the `net:listen` permission, reports the
 * listener (status, ports file) and puts every accepted socket through its connection admission
 * control: per-address and total caps, with idle / not-yet-authenticated sockets held to a much
 * smaller budget (the oldest is evicted when it is full) than established ones.
 */
import type { Server, Socket } from 'node:net';

/** Start `server` listening on host:port; resolves with the bound address (the real port when `port` is 0). */
export function listenOn(server: Server, host: string, port: number): Promise<{ host: string; port: number }> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      const a = server.address();
      resolve(typeof a === 'object' && a ? { host: a.address, port: a.port } : { host, port });
    });
  });
}

/** Caps of one listener. */
export interface ConnectionLimits {
  /** All sockets of this listener (the file descriptors it may hold). */
  maxTotal: number;
  /** Idle / not-yet-authenticated sockets; when full, the oldest one is closed to admit a newcomer. */
  maxIdleTotal: number;
  /** Established sockets of one client address (viewers of a venue often share one NAT address). */
  maxPerIp: number;
  /** Idle / not-yet-authenticated sockets of one address; when full, that address's oldest is closed. */
  maxIdlePerIp: number;
  /** Established slots only priority sessions (a publisher with a valid key, sign-in, health) may take. */
  reserved: number;
}

export type EstablishResult = { ok: true } | { ok: false; reason: string };

/** What a protocol tells admission control about one accepted socket. */
export interface ConnectionAdmission {
  /** The client address the caps count against (IPv6 by /64). */
  readonly clientKey: string;
  /**
   * The socket now carries an authorised session (publishing, playing): it stops counting as idle and
   * is never evicted. `priority` sessions may use the reserved slots. When the caps refuse, the socket
   * stays idle and `reason` says why; answer the client and close it.
   */
  establish(options?: { priority?: boolean }): EstablishResult;
  /** The session ended but the socket stays open: it counts as idle again (and may be evicted). */
  idle(): void;
}

export interface NetServerOptions {
  /** Listener name: shown in status and metrics, and the key in the ports file (`rtmp`). */
  name: string;
  /** Caps for this listener; missing fields take the host's `connections.listeners` defaults. */
  limits?: Partial<ConnectionLimits>;
  /** Disable Nagle on accepted sockets (default true). */
  noDelay?: boolean;
}

/** A listener made by `ctx.net.createServer`: it only accepts; the plugin owns its connections. */
export interface NetListener {
  /** Listen; resolves with the bound address (the real port when `port` is 0) and reports it to the host. */
  listen(host: string, port: number): Promise<{ host: string; port: number }>;
  /** Stop accepting (open connections are the plugin's to close). */
  close(): Promise<void>;
  readonly listening: boolean;
  readonly address: { host: string; port: number } | null;
}

export interface NetApi {
  /** A TCP server behind the host's admission control; needs the `net:listen` permission. */
  createServer(options: NetServerOptions, onSocket: (socket: Socket, admission: ConnectionAdmission) => void): NetListener;
}
