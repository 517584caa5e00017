import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { silentLogger } from '../logging/logger.js';
import { backupDatabase } from './backup.js';
import { closeDatabase, openDatabase } from './database.js';

const mode = (f: string) => (statSync(f).mode & 0o777).toString(8);

describe('database files are owner-only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xlive-modes-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a new database, its WAL and SHM, and a backup are 0600 even with umask 000; an existing 0644 file is tightened', async () => {
    const old = process.umask(0);
    try {
      const file = join(dir, 'sub', 'x.db');
      const db = openDatabase(file, silentLogger());
      db.exec('CREATE TABLE t (v); INSERT INTO t VALUES (1)');
      assert.equal(mode(file), '600');
      assert.equal(mode(`${file}-wal`), '600');
      assert.equal(mode(`${file}-shm`), '600');
      assert.equal(mode(join(dir, 'sub')), '700');
      await backupDatabase(db, join(dir, 'copy.db'));
      assert.equal(mode(join(dir, 'copy.db')), '600');
      closeDatabase(db, silentLogger());
      chmodSync(file, 0o644);
      closeDatabase(openDatabase(file, silentLogger()), silentLogger());
      assert.equal(mode(file), '600');
    } finally {
      process.umask(old);
    }
  });
});
