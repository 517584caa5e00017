import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';

const { signJwt, verifyJwt, hs256, MAX_JWT_LENGTH } = await import('./jwt.js');

/** RFC 7515 Appendix A.1: JWS using HMAC SHA-256 (header with CRLF, key as a JWK "k"). */
const RFC7515_A1 = {
  key: Buffer.from('AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow', 'base64url'),
  header: 'eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9',
  payload: 'eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ',
  signature: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
};

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('JWT HS256', () => {
  it('computes the RFC 7515 A.1 signature and verifies that token', () => {
    const { key, header, payload, signature } = RFC7515_A1;
    assert.equal(hs256(`${header}.${payload}`, key).toString('base64url'), signature);
    const claims = verifyJwt(`${header}.${payload}.${signature}`, key, 1300819379);
    assert.equal(claims.iss, 'joe');
    assert.equal(claims['http://example.com/is_root'], true);
    assert.throws(() => verifyJwt(`${header}.${payload}.${signature}`, key, 1300819380), /expired/);
  });

  it('round-trips claims it signed', () => {
    const key = randomBytes(32);
    const jwt = signJwt({ iss: 'xlive', jti: 'tok_1', scope: 'streams:read', iat: 100 }, key);
    assert.deepEqual(verifyJwt(jwt, key, 200), { iss: 'xlive', jti: 'tok_1', scope: 'streams:read', iat: 100 });
  });

  it('refuses alg none, other algorithms, a wrong key, tampered parts and nbf in the future', () => {
    const key = randomBytes(32);
    const good = signJwt({ jti: 'a', scope: 'streams:read' }, key);
    const [h, p, s] = good.split('.') as [string, string, string];
    const resign = (header: unknown, payload: string) => {
      const input = `${b64(header)}.${payload}`;
      return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
    };
    const cases: Array<[string, string, RegExp]> = [
      ['alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${p}.`, /three base64url parts|HS256/],
      ['alg none, signed', resign({ alg: 'none' }, p), /not HS256/],
      ['HS512', resign({ alg: 'HS512' }, p), /not HS256/],
      ['crit', resign({ alg: 'HS256', crit: ['exp'] }, p), /critical/],
      ['wrong key', signJwt({ jti: 'a' }, randomBytes(32)), /bad signature/],
      ['payload swapped', `${h}.${b64({ jti: 'a', scope: 'system:admin' })}.${s}`, /bad signature/],
      ['signature cut', `${h}.${p}.${s.slice(0, -2)}`, /bad signature/],
      ['two parts', `${h}.${p}`, /three/],
      ['not json', resign({ alg: 'HS256' }, Buffer.from('nope').toString('base64url')), /JSON/],
      ['array payload', resign({ alg: 'HS256' }, b64([1])), /JSON object/],
      ['nbf', resign({ alg: 'HS256' }, b64({ nbf: 999 })), /not valid yet/],
      ['exp string', resign({ alg: 'HS256' }, b64({ exp: '1' })), /not a number/],
      ['too long', 'a'.repeat(MAX_JWT_LENGTH + 1), /too long/],
    ];
    for (const [name, token, why] of cases) {
      assert.throws(() => verifyJwt(token, key, 500), (err: Error & { code?: string }) => err.code === 'AUTHENTICATION_FAILED' && why.test(err.message), name);
    }
  });

  it('answers 3000 seeded random mutations of a valid token with AuthenticationError, never a crash or a pass', () => {
    const key = randomBytes(32);
    const good = signJwt({ iss: 'xlive', jti: 'tok_x', scope: 'streams:read' }, key);
    let seed = 42;
    const next = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ';
    for (let i = 0; i < 3000; i++) {
      const chars = [...good];
      const edits = 1 + Math.floor(next() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(next() * chars.length);
        const op = next();
        if (op < 0.5) chars[at] = alphabet[Math.floor(next() * alphabet.length)]!;
        else if (op < 0.75) chars.splice(at, 1);
        else chars.splice(at, 0, alphabet[Math.floor(next() * alphabet.length)]!);
      }
      const token = chars.join('');
      if (token === good) continue;
      assert.throws(() => verifyJwt(token, key, 1), (err: { code?: string }) => err.code === 'AUTHENTICATION_FAILED', `mutation ${i}: ${token}`);
    }
  });
});
