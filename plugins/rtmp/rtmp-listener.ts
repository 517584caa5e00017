import { createServer, type Server, type Socket } from 'node:net';

/** Accepts TCP connections and hands each socket to `onSocket`; nothing else. */
export class RtmpListener {
  private server: Server | null = null;

  constructor(private readonly onSocket: (socket: Socket) => void) {}

  /** Listen; resolves with the bound address (the real port when `port` is 0). */
  listen(host: string, port: number): Promise<{ host: string; port: number }> {
    if (this.server) return Promise.reject(new Error('rtmp listener already started'));
    const server = createServer({ noDelay: true }, (socket) => this.onSocket(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      const fail = (err: Error) => {
        this.server = null;
        reject(err);
      };
      server.once('error', fail);
      server.listen({ host, port }, () => {
        server.off('error', fail);
        const addr = server.address();
        resolve(typeof addr === 'object' && addr ? { host: addr.address, port: addr.port } : { host, port });
      });
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
