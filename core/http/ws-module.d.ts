/**
 * The part of `ws` (8.x) the core uses. The package ships no types and @types/ws is not installed;
 * these mirror its documented API (https://github.com/websockets/ws/blob/master/doc/ws.md).
 */
declare module 'ws' {
  import type { EventEmitter } from 'node:events';
  import type { IncomingMessage } from 'node:http';
  import type { Duplex } from 'node:stream';

  export class WebSocket extends EventEmitter {
    /** A client (tests, tools). */
    constructor(address: string, options?: { handshakeTimeout?: number; maxPayload?: number });
    static readonly OPEN: 1;
    readonly readyState: 0 | 1 | 2 | 3;
    readonly bufferedAmount: number;
    send(data: Uint8Array | ArrayBuffer | string, options?: { binary?: boolean; compress?: boolean; fin?: boolean }, cb?: (err?: Error) => void): void;
    send(data: Uint8Array | ArrayBuffer | string, cb?: (err?: Error) => void): void;
    ping(data?: Uint8Array, mask?: boolean, cb?: (err?: Error) => void): void;
    close(code?: number, reason?: string): void;
    terminate(): void;
  }

  export interface WebSocketServerOptions {
    noServer?: boolean;
    maxPayload?: number;
    perMessageDeflate?: boolean;
    clientTracking?: boolean;
    closeTimeout?: number;
  }

  export class WebSocketServer extends EventEmitter {
    constructor(options: WebSocketServerOptions);
    readonly options: WebSocketServerOptions;
    readonly clients: Set<WebSocket>;
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, cb: (ws: WebSocket, req: IncomingMessage) => void): void;
    close(cb?: (err?: Error) => void): void;
  }
}
