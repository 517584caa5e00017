/**
 * Test support: a minimal raw-socket WebSocket client (Node 20 has no global WebSocket client).
 * Sends the RFC 6455 opening handshake, checks Sec-WebSocket-Accept, parses unmasked server frames,
 * and sends masked frames (or any raw bytes, to test the server's error handling).
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** RFC 6455 section 4.2.2 item 5.4: base64(SHA-1(key + GUID)). */
function webSocketAccept(key: string): string {
  return createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
}

export interface ServerMessage {
  opcode: number;
  fin: boolean;
  payload: Buffer;
}

export interface HandshakeResult {
  status: number;
  headers: Record<string, string>;
  /** Response body of a refusal (read until the server closed). */
  body: string;
  client: WsTestClient | undefined;
}

export class WsTestClient {
  readonly messages: ServerMessage[] = [];
  closed = false;
  private pending: Buffer = Buffer.alloc(0);
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: Socket) {}

  /** Connect, upgrade `path`, and return the client (or the refusal). */
  static async open(port: number, path: string, extraHeaders: Record<string, string> = {}): Promise<HandshakeResult> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const key = randomBytes(16).toString('base64');
    const headers: Record<string, string> = {
      Host: `127.0.0.1:${port}`,
      Upgrade: 'websocket',
      Connection: 'Upgrade',
      'Sec-WebSocket-Key': key,
      'Sec-WebSocket-Version': '13',
      ...extraHeaders,
    };
    const lines = Object.entries(headers).filter(([, v]) => v !== '').map(([k, v]) => `${k}: ${v}`);
    socket.write(`GET ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
    let buf = Buffer.alloc(0);
    const head = await new Promise<{ text: string; rest: Buffer }>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        socket.off('close', onClose);
        socket.pause();
        resolve({ text: buf.toString('latin1', 0, end), rest: buf.subarray(end + 4) });
      };
      const onClose = () => reject(new Error(`connection closed during the handshake (${buf.byteLength} bytes)`));
      socket.on('data', onData).on('close', onClose).on('error', () => undefined);
    });
    const [statusLine, ...headerLines] = head.text.split('\r\n');
    const status = Number(statusLine!.split(' ')[1]);
    const resHeaders: Record<string, string> = {};
    for (const l of headerLines) {
      const i = l.indexOf(':');
      resHeaders[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    if (status !== 101) {
      let body = head.rest;
      await new Promise<void>((resolve) => {
        socket.on('data', (c: Buffer) => (body = Buffer.concat([body, c]))).once('close', () => resolve());
        socket.resume();
      });
      return { status, headers: resHeaders, body: body.toString('utf8'), client: undefined };
    }
    if (resHeaders['sec-websocket-accept'] !== webSocketAccept(key)) {
      socket.destroy();
      throw new Error(`bad Sec-WebSocket-Accept ${resHeaders['sec-websocket-accept']}`);
    }
    const client = new WsTestClient(socket);
    client.receive(head.rest);
    socket.on('data', (c: Buffer) => client.receive(c));
    socket.on('close', () => {
      client.closed = true;
      client.wake();
    });
    socket.resume();
    return { status, headers: resHeaders, body: '', client };
  }

  /** Send one masked frame (client frames must be masked, RFC 6455 section 5.3). */
  send(opcode: number, payload: Uint8Array = Buffer.alloc(0), options: { fin?: boolean; mask?: boolean } = {}): void {
    const mask = options.mask ?? true;
    const len = payload.byteLength;
    const ext = len < 126 ? Buffer.alloc(0) : len <= 0xffff ? Buffer.alloc(2) : Buffer.alloc(8);
    if (ext.byteLength === 2) ext.writeUInt16BE(len);
    if (ext.byteLength === 8) ext.writeBigUInt64BE(BigInt(len));
    const b1 = (mask ? 0x80 : 0) | (len < 126 ? len : len <= 0xffff ? 126 : 127);
    const key = mask ? randomBytes(4) : Buffer.alloc(0);
    const body = Buffer.from(payload);
    if (mask) for (let i = 0; i < body.byteLength; i++) body[i] = body[i]! ^ key[i % 4]!;
    this.socket.write(Buffer.concat([Buffer.from([((options.fin ?? true) ? 0x80 : 0) | opcode, b1]), ext, key, body]));
  }

  sendRaw(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Wait until `predicate` holds over the messages received (or the socket closed), bounded by `timeoutMs`. */
  async waitFor(predicate: (messages: ServerMessage[]) => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.messages)) {
      if (this.closed) throw new Error(`socket closed before the condition held (${this.messages.length} messages)`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out with ${this.messages.length} messages`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Wait for the server to close the TCP connection. */
  async waitClosed(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for the server to close');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** The close frame the server sent, if any. */
  closeFrame(): { code: number | undefined; reason: string } | undefined {
    const m = this.messages.find((x) => x.opcode === 0x8);
    if (!m) return undefined;
    return { code: m.payload.byteLength >= 2 ? m.payload.readUInt16BE(0) : undefined, reason: m.payload.subarray(2).toString('utf8') };
  }

  destroy(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    this.pending = this.pending.byteLength ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      const p = this.pending;
      if (p.byteLength < 2) break;
      if (p[1]! & 0x80) throw new Error('server frames must not be masked');
      let len = p[1]! & 0x7f;
      let at = 2;
      if (len === 126) {
        if (p.byteLength < 4) break;
        len = p.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (p.byteLength < 10) break;
        len = Number(p.readBigUInt64BE(2));
        at = 10;
      }
      if (p.byteLength < at + len) break;
      this.messages.push({ opcode: p[0]! & 0x0f, fin: (p[0]! & 0x80) !== 0, payload: Buffer.from(p.subarray(at, at + len)) });
      this.pending = p.subarray(at + len);
    }
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
