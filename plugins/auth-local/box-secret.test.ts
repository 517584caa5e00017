import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DamagedFileError } from 'xlive/sdk';
import { silentLogger } from 'xlive/sdk/testing';
import { loadOrCreateBoxSecret, SECRET_FILE } from './box-secret.js';

describe('box secret', () => {
  it('is made once (0600, 32 bytes) and read back the same', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xlive-secret-'));
    try {
      const a = loadOrCreateBoxSecret(dir, silentLogger());
      assert.equal(a.length, 32);
      assert.equal(statSync(join(dir, SECRET_FILE)).mode & 0o777, 0o600);
      assert.deepEqual(loadOrCreateBoxSecret(dir, silentLogger()), a);
      assert.deepEqual(readdirSync(dir), [SECRET_FILE], 'no temporary file is left');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a truncated, empty or garbled file with its path and the fix, and leaves it untouched', () => {
    for (const damaged of ['c2hvcnQ=\n', '', '\u0000\u0001garbage!!', 'not base64 at all: ####################################']) {
      const dir = mkdtempSync(join(tmpdir(), 'xlive-secret-'));
      try {
        const file = join(dir, SECRET_FILE);
        writeFileSync(file, damaged, { mode: 0o600 });
        assert.throws(
          () => loadOrCreateBoxSecret(dir, silentLogger()),
          (err: unknown) => {
            assert.ok(err instanceof DamagedFileError);
            assert.equal(err.code, 'FILE_DAMAGED');
            assert.ok(err.message.includes(file), err.message);
            assert.match(err.message, /restore .* from a backup/);
            assert.match(err.message, /delete it .* VOIDS every API token and playback link/);
            return true;
          },
        );
        assert.equal(readFileSync(file, 'utf8'), damaged, 'the damaged file is never replaced');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});
