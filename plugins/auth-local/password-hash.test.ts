import assert from 'node:assert/strict';
import { scryptSync } from 'node:crypto';
import { describe, it } from 'node:test';

const { hashPassword, parsePasswordHash, verifyPassword, DEFAULT_SCRYPT, MAX_PASSWORD_BYTES } = await import('./password-hash.js');
const FAST = { ln: 10, r: 8, p: 1 };

describe('password hashing (scrypt)', () => {
  it('stores parameters, a per-user salt and the scrypt output in a PHC-style string', async () => {
    const h = await hashPassword('correct horse', FAST);
    assert.match(h, /^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
    const parsed = parsePasswordHash(h)!;
    assert.equal(parsed.salt.length, 16);
    // The stored key is exactly scrypt(password, salt) with the stored parameters.
    assert.deepEqual(parsed.key, scryptSync('correct horse', parsed.salt, 32, { N: 1024, r: 8, p: 1 }));
    const again = await hashPassword('correct horse', FAST);
    assert.notEqual(again, h, 'a fresh salt each time');
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const h = await hashPassword('correct horse', FAST);
    assert.equal(await verifyPassword('correct horse', h), true);
    assert.equal(await verifyPassword('correct horsE', h), false);
    assert.equal(await verifyPassword('', h), false);
  });

  it('normalises Unicode (NFC), so the same password typed on another keyboard matches', async () => {
    const h = await hashPassword('caf\u00e9-passw0rd', FAST);
    assert.equal(await verifyPassword('cafe\u0301-passw0rd', h), true);
  });

  it('the default parameters are N=2^15, r=8, p=1', () => {
    assert.deepEqual({ ...DEFAULT_SCRYPT }, { ln: 15, r: 8, p: 1 });
  });

  it('refuses unreadable or out-of-bounds stored hashes without throwing', async () => {
    const h = await hashPassword('x'.repeat(12), FAST);
    for (const bad of ['', 'plain', h.replace('ln=10', 'ln=30'), h.replace('ln=10', 'ln=5'), h.replace('r=8', 'r=99'), h.replace('$scrypt$', '$argon2$'), h + '$', h.slice(0, -10)]) {
      assert.equal(await verifyPassword('x'.repeat(12), bad), false, bad);
    }
  });

  it('bounds the password size: hashing refuses, verifying says no', async () => {
    const big = 'a'.repeat(MAX_PASSWORD_BYTES + 1);
    await assert.rejects(() => hashPassword(big, FAST), { code: 'VALIDATION_FAILED' });
    const h = await hashPassword('a'.repeat(12), FAST);
    assert.equal(await verifyPassword(big, h), false);
  });
});
