/** HttpFlvTransport on a real HTTP server, read byte for byte from a raw socket. */
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';

const { HttpFlvTransport } = await import('./http-flv-transport.js');

/** Send `request` on a raw socket; resolves with everything received until the server closes. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => s.write(request));
    const parts: Buffer[] = [];
    s.on('data', (b: Buffer) => parts.push(b));
    s.on('error', reject);
    s.on('close', () => resolve(Buffer.concat(parts).toString('latin1')));
  });
}

describe('HttpFlvTransport', () => {
  let server: Server;
  let port = 0;
  let onResponse: (res: ServerResponse) => void = () => undefined;
  before(async () => {
    server = createServer((_req, res) => onResponse(res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('frames each write as one HTTP/1.1 chunk and ends with the last chunk on a graceful close', async () => {
    onResponse = (res) => {
      const t = new HttpFlvTransport(res);
      t.open();
      // Two writes in one turn leave together; each keeps its own chunk framing.
      assert.equal(t.write([Buffer.from('FLV'), Buffer.from('abc')]), true);
      t.write([Buffer.from('0123456789abcdef!')]);
      setTimeout(() => t.close('stream-ended'), 20);
    };
    const got = await rawExchange(port, 'GET /flv/live/x.flv HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const [head, body] = got.split('\r\n\r\n', 2).length === 2 ? [got.slice(0, got.indexOf('\r\n\r\n')), got.slice(got.indexOf('\r\n\r\n') + 4)] : [got, ''];
    assert.match(head!, /^HTTP\/1\.1 200 OK/);
    assert.match(head!, /\r\nContent-Type: video\/x-flv/i);
    assert.match(head!, /\r\nTransfer-Encoding: chunked/i);
    // chunk-size (hex) CRLF data CRLF … last-chunk "0" CRLF CRLF (RFC 9112 section 7.1)
    assert.equal(body, '6\r\nFLVabc\r\n11\r\n0123456789abcdef!\r\n0\r\n\r\n');
  });

  it('sends an HTTP/1.0 client an unframed body ended by the close of the connection', async () => {
    onResponse = (res) => {
      const t = new HttpFlvTransport(res);
      t.write([Buffer.from('FLV'), Buffer.from([1, 5])]);
      setTimeout(() => t.close('shutdown'), 20);
    };
    const got = await rawExchange(port, 'GET /flv/live/x.flv HTTP/1.0\r\n\r\n');
    assert.doesNotMatch(got, /Transfer-Encoding/i);
    assert.equal(got.slice(got.indexOf('\r\n\r\n') + 4), 'FLV\x01\x05');
  });

  it('reports the socket closing once, and drops the connection at once for a slow reader', async () => {
    let closes = 0;
    onResponse = (res) => {
      const t = new HttpFlvTransport(res);
      t.onClose(() => closes++);
      t.write([Buffer.alloc(10)]);
      setTimeout(() => t.close('slow-reader'), 20);
    };
    const got = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.ok(got.endsWith('a\r\n' + '\0'.repeat(10) + '\r\n'), 'no last chunk: the body was cut, not ended');
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(closes, 1);
  });
});
