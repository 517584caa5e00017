import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ParseError } from '../../core/errors/xlive-error.js';
import { HttpResponseReader, type ResponseHead } from './http-response-reader.js';

function read(chunks: Buffer[]): { head?: ResponseHead; body: Buffer; done: boolean } {
  let head: ResponseHead | undefined;
  const body: Buffer[] = [];
  // Copy each view at once: callers reuse their read buffer.
  const r = new HttpResponseReader((h) => (head = h), (b) => body.push(Buffer.from(b)));
  for (const c of chunks) r.push(c);
  return { head, body: Buffer.concat(body), done: r.done };
}

function splits(buf: Buffer): Buffer[][] {
  const out: Buffer[][] = [];
  for (let i = 0; i <= buf.length; i++) out.push([buf.subarray(0, i), buf.subarray(i)]);
  out.push([...buf].map((b) => Buffer.from([b])));
  return out;
}

const CHUNKED = Buffer.from(
  'HTTP/1.1 200 OK\r\nContent-Type: video/x-flv\r\nTransfer-Encoding: chunked\r\n\r\n' +
    '5\r\nFLV\x01\x05\r\n' +
    'a;ext=1\r\n0123456789\r\n' +
    '0\r\n\r\n',
  'latin1',
);

describe('HttpResponseReader', () => {
  it('decodes a chunked body (RFC 9112 7.1) split at every byte position', () => {
    for (const chunks of splits(CHUNKED)) {
      const r = read(chunks);
      assert.equal(r.head?.status, 200);
      assert.equal(r.head?.headers.get('content-type'), 'video/x-flv');
      assert.equal(r.body.toString('latin1'), 'FLV\x01\x050123456789');
      assert.equal(r.done, true);
    }
  });

  it('passes an identity body through unchanged', () => {
    const raw = Buffer.from('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nFLV\x01\x05\x00\x00\x00\x09', 'latin1');
    for (const chunks of splits(raw)) {
      const r = read(chunks);
      assert.equal(r.head?.status, 200);
      assert.equal(r.body.toString('latin1'), 'FLV\x01\x05\x00\x00\x00\x09');
    }
  });

  it('reports a non-200 status', () => {
    assert.equal(read([Buffer.from('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n')]).head?.status, 404);
  });

  it('rejects a bad status line, a bad chunk size and an endless head with ParseError', () => {
    assert.throws(() => read([Buffer.from('FLV\x01\x05\r\n\r\n', 'latin1')]), ParseError);
    assert.throws(() => read([Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')]), ParseError);
    assert.throws(() => read([Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY')]), ParseError);
    const r = new HttpResponseReader(() => {}, () => {}, 64);
    assert.throws(() => r.push(Buffer.alloc(100, 0x61)), ParseError);
  });
});
