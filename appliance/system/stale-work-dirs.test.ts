import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { removeStaleWorkDirs } from './stale-work-dirs.js';

describe('removeStaleWorkDirs', () => {
  it('removes old .backup-/.restore- staging directories only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xlive-stale-'));
    try {
      for (const n of ['.backup-0123456789ab', '.restore-0123456789ab', '.restore-ffffffffffff', 'plugin-data', '.restore-x']) mkdirSync(join(dir, n));
      const old = new Date(Date.now() - 2 * 3_600_000);
      for (const n of ['.backup-0123456789ab', '.restore-0123456789ab', 'plugin-data', '.restore-x']) utimesSync(join(dir, n), old, old);
      const removed = removeStaleWorkDirs(dir).map((p) => p.slice(dir.length + 1)).sort();
      assert.deepEqual(removed, ['.backup-0123456789ab', '.restore-0123456789ab']);
      assert.ok(existsSync(join(dir, '.restore-ffffffffffff')), 'a fresh one (a restore under way) stays');
      assert.ok(existsSync(join(dir, 'plugin-data')) && existsSync(join(dir, '.restore-x')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
