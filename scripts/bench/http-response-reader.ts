import { ParseError } from '../../core/errors/xlive-error.js';

/**
 * An incremental HTTP/1.1 response reader for bench viewers that read sockets into a reused
 * buffer: the head is copied (bounded), the body is handed on as views of the input, decoded from
 * chunked transfer coding when the server uses it. References: RFC 9112 section 4 (status line),
 * 6.1 (Transfer-Encoding), 7.1 (chunked: chunk-size [ext] CRLF data CRLF … last-chunk 0 CRLF).
 */

export interface ResponseHead {
  status: number;
  /** Lower-cased header names. */
  headers: Map<string, string>;
}

type Phase = 'head' | 'identity' | 'size' | 'data' | 'data-end' | 'done';

const CR = 0x0d;
const LF = 0x0a;
const MAX_SIZE_LINE = 1024;

export class HttpResponseReader {
  private phase: Phase = 'head';
  private head = '';
  private sizeLine = '';
  private left = 0;
  private consumed = 0;

  constructor(
    private readonly onHead: (head: ResponseHead) => void,
    private readonly onBody: (chunk: Uint8Array) => void,
    private readonly maxHead = 16 * 1024,
  ) {}

  /** True once the last chunk of a chunked body was read. */
  get done(): boolean {
    return this.phase === 'done';
  }

  push(data: Uint8Array): void {
    let pos = 0;
    while (pos < data.length) {
      const start = pos;
      pos = this.step(data, pos);
      this.consumed += pos - start;
    }
  }

  /** Consume from `pos`; returns the new position (always > pos unless the input ended). */
  private step(data: Uint8Array, pos: number): number {
    switch (this.phase) {
      case 'head':
        return this.readHead(data, pos);
      case 'identity':
        this.onBody(data.subarray(pos));
        return data.length;
      case 'size':
        return this.readSizeLine(data, pos);
      case 'data': {
        const n = Math.min(this.left, data.length - pos);
        this.onBody(data.subarray(pos, pos + n));
        this.left -= n;
        if (this.left === 0) {
          this.phase = 'data-end';
          this.left = 2; // CRLF after chunk-data
        }
        return pos + n;
      }
      case 'data-end': {
        const b = data[pos]!;
        if ((this.left === 2 && b !== CR) || (this.left === 1 && b !== LF)) throw new ParseError('chunk data not followed by CRLF', this.consumed);
        if (--this.left === 0) this.phase = 'size';
        return pos + 1;
      }
      case 'done':
        return data.length; // trailer fields and anything after are ignored
    }
  }

  private readHead(data: Uint8Array, pos: number): number {
    const take = Math.min(data.length - pos, this.maxHead + 4 - this.head.length);
    // latin1: one char per byte, so string offsets are byte offsets.
    const combined = this.head + Buffer.from(data.buffer, data.byteOffset + pos, take).toString('latin1');
    const idx = combined.indexOf('\r\n\r\n', Math.max(0, this.head.length - 3));
    if (idx < 0) {
      if (combined.length > this.maxHead) throw new ParseError(`response head longer than ${this.maxHead} bytes`, this.consumed);
      this.head = combined;
      return pos + take;
    }
    const used = idx + 4 - this.head.length;
    this.head = '';
    this.parseHead(combined.slice(0, idx + 4));
    return pos + used;
  }

  private parseHead(text: string): void {
    const lines = text.slice(0, -4).split('\r\n');
    // status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 4)
    const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0] ?? '');
    if (!m) throw new ParseError(`not an HTTP/1.x status line: ${JSON.stringify((lines[0] ?? '').slice(0, 60))}`, 0);
    const headers = new Map<string, string>();
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0) throw new ParseError(`malformed header line: ${JSON.stringify(line.slice(0, 60))}`, 0);
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const chunked = /(^|,)\s*chunked\s*$/i.test(headers.get('transfer-encoding') ?? '');
    this.phase = chunked ? 'size' : 'identity';
    this.onHead({ status: Number(m[1]), headers });
  }

  private readSizeLine(data: Uint8Array, pos: number): number {
    let i = pos;
    while (i < data.length && data[i] !== LF) i++;
    this.sizeLine += Buffer.from(data.buffer, data.byteOffset + pos, i - pos).toString('latin1');
    if (this.sizeLine.length > MAX_SIZE_LINE) throw new ParseError('chunk size line too long', this.consumed);
    if (i === data.length) return i;
    // chunk-size = 1*HEXDIG, then optional chunk-ext after ';', then CRLF.
    const hex = this.sizeLine.replace(/\r$/, '').split(';')[0]!.trim();
    this.sizeLine = '';
    if (!/^[0-9a-fA-F]{1,8}$/.test(hex)) throw new ParseError(`bad chunk size ${JSON.stringify(hex.slice(0, 20))}`, this.consumed);
    const size = parseInt(hex, 16);
    if (size === 0) this.phase = 'done';
    else {
      this.phase = 'data';
      this.left = size;
    }
    return i + 1;
  }
}
