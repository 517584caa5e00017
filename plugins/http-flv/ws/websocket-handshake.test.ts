import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

const { ProtocolError, ForbiddenError, StreamNotFoundError, LimitExceededError } = await import('xlive/sdk');
const hs = await import('./websocket-handshake.js');

const good = () => ({
  method: 'GET',
  httpVersionMajor: 1,
  httpVersionMinor: 1,
  headers: {
    host: 'example',
    upgrade: 'websocket',
    connection: 'keep-alive, Upgrade',
    'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
    'sec-websocket-version': '13',
  } as Record<string, string>,
});

describe('websocket handshake', () => {
  it('computes the accept key of RFC 6455 section 1.3', () => {
    assert.equal(hs.webSocketAccept('dGhlIHNhbXBsZSBub25jZQ=='), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('answers 101 with the accept key', () => {
    assert.equal(
      hs.upgradeResponse('dGhlIHNhbXBsZSBub25jZQ=='),
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n',
    );
  });

  it('accepts a valid request, with case-insensitive header tokens', () => {
    assert.deepEqual(hs.validateUpgradeRequest(good()), { key: 'dGhlIHNhbXBsZSBub25jZQ==' });
    const r = good();
    r.headers['upgrade'] = 'WebSocket';
    r.headers['connection'] = 'UPGRADE';
    assert.doesNotThrow(() => hs.validateUpgradeRequest(r));
  });

  const bad: Array<[string, (r: ReturnType<typeof good>) => void]> = [
    ['POST', (r) => (r.method = 'POST')],
    ['HTTP/1.0', (r) => (r.httpVersionMinor = 0)],
    ['no Upgrade', (r) => delete r.headers['upgrade']],
    ['Upgrade: h2c', (r) => (r.headers['upgrade'] = 'h2c')],
    ['Connection: close', (r) => (r.headers['connection'] = 'close')],
    ['no key', (r) => delete r.headers['sec-websocket-key']],
    ['short key', (r) => (r.headers['sec-websocket-key'] = 'dGhlIHNhbXBsZQ==')],
    ['non-canonical key', (r) => (r.headers['sec-websocket-key'] = 'dGhlIHNhbXBsZSBub25jZR==')],
    ['not base64', (r) => (r.headers['sec-websocket-key'] = '!!!!!!!!!!!!!!!!!!!!!!==')],
  ];
  for (const [name, mutate] of bad) {
    it(`refuses ${name} with WS_HANDSHAKE_INVALID (400)`, () => {
      const r = good();
      mutate(r);
      assert.throws(
        () => hs.validateUpgradeRequest(r),
        (err: unknown) => err instanceof hs.WebSocketHandshakeError && err.code === 'WS_HANDSHAKE_INVALID' && hs.refusalStatus(err) === 400,
      );
    });
  }

  it('refuses other versions with 426 naming version 13', () => {
    const r = good();
    r.headers['sec-websocket-version'] = '8';
    let caught: unknown;
    assert.throws(() => hs.validateUpgradeRequest(r), (err: unknown) => ((caught = err), err instanceof hs.WebSocketVersionError));
    assert.equal(hs.refusalStatus(caught), 426);
    assert.match(hs.refusalResponse(426, 'version'), /^HTTP\/1\.1 426 Upgrade Required\r\n[^]*Sec-WebSocket-Version: 13\r\n/);
  });

  it('maps coded errors to refusal statuses', () => {
    assert.equal(hs.refusalStatus(new StreamNotFoundError('x')), 404);
    assert.equal(hs.refusalStatus(new ForbiddenError('x')), 403);
    assert.equal(hs.refusalStatus(new LimitExceededError('x')), 503);
    assert.equal(hs.refusalStatus(new ProtocolError('x')), 400);
    assert.equal(hs.refusalStatus(new Error('x')), 500);
  });

  it('writes a complete refusal with a correct Content-Length and no header injection', () => {
    const res = hs.refusalResponse(404, 'stream live/é\r\nX-Evil: 1 is not being published');
    const [head, body] = res.split('\r\n\r\n') as [string, string];
    assert.match(head, /^HTTP\/1\.1 404 Not Found\r\n/);
    assert.doesNotMatch(head, /X-Evil/);
    assert.equal(Number(/Content-Length: (\d+)/.exec(head)![1]), Buffer.byteLength(body));
  });
});
