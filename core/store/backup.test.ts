import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { ConflictError, DatabaseError } from '../errors/xlive-error.js';
import { silentLogger } from '../logging/logger.js';
import { backupDatabase } from './backup.js';
import { closeDatabase, openDatabase, type SqliteDatabase } from './database.js';

const log = silentLogger();
const root = mkdtempSync(join(tmpdir(), 'xlive-store-backup-'));
after(() => rmSync(root, { recursive: true, force: true }));

function freshDir(name: string): string {
  const d = join(root, name);
  rmSync(d, { recursive: true, force: true });
  return d;
}

function sourceDb(file: string, rows: number): SqliteDatabase {
  const db = openDatabase(file, log);
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO t (s) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < rows; i++) insert.run(`row ${i} ${'p'.repeat(200)}`);
  })();
  return db;
}

function count(db: SqliteDatabase): number {
  return (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
}

describe('backupDatabase', () => {
  it('writes a single-file copy that opens and passes quick_check', async () => {
    const dir = freshDir('plain');
    const db = sourceDb(join(dir, 'xlive.db'), 100);
    const dest = join(dir, 'backups', 'one.db');
    await backupDatabase(db, dest);
    closeDatabase(db, log);
    assert.deepEqual(readdirSync(join(dir, 'backups')), ['one.db'], 'no -wal, -shm or partial file beside it');
    assert.equal(readFileSync(dest)[18], 1, 'header: rollback journal, not WAL (file format 1.3.28 byte 18)');
    const copy = openDatabase(dest, log); // runs quick_check
    assert.equal(count(copy), 100);
    closeDatabase(copy, log);
  });

  it('refuses to overwrite an existing file unless told to', async () => {
    const dir = freshDir('overwrite');
    const db = sourceDb(join(dir, 'xlive.db'), 10);
    const dest = join(dir, 'taken.db');
    writeFileSync(dest, 'precious');
    await assert.rejects(backupDatabase(db, dest), (err: unknown) => err instanceof ConflictError && err.message.includes(dest));
    assert.equal(readFileSync(dest, 'utf8'), 'precious');
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('partial')), []);

    writeFileSync(`${dest}-wal`, 'stale wal of an older file');
    await backupDatabase(db, dest, { overwrite: true });
    assert.ok(!existsSync(`${dest}-wal`), 'a stale -wal of the replaced file is removed');
    closeDatabase(db, log);
    const copy = openDatabase(dest, log);
    assert.equal(count(copy), 10);
    closeDatabase(copy, log);
  });

  it('copies while the source is being written and read', async () => {
    const dir = freshDir('busy');
    const file = join(dir, 'xlive.db');
    const db = sourceDb(file, 4000); // ~1 MB: several backup steps of 100 pages
    const reader = openDatabase(file, log);
    const insert = db.prepare('INSERT INTO t (s) VALUES (?)');
    const dest = join(dir, 'busy-copy.db');
    let done = false;
    const backup = backupDatabase(db, dest).finally(() => (done = true));
    let writes = 0;
    let reads = 0;
    while (!done) {
      insert.run(`during ${writes++}`);
      if (count(reader) >= 4000) reads++;
      await tick();
    }
    await backup;
    assert.ok(writes >= 3 && reads === writes, `the source was written and read during the backup (${writes} times)`);
    const copy = openDatabase(dest, log);
    const n = count(copy);
    assert.ok(n >= 4000 && n <= 4000 + writes, `copy has ${n} rows`);
    closeDatabase(copy, log);
    assert.equal(count(db), 4000 + writes, 'the source kept every write');
    closeDatabase(reader, log);
    closeDatabase(db, log);
  });

  it('backs up an in-memory database', async () => {
    const dir = freshDir('memory');
    const db = sourceDb(':memory:', 5);
    await backupDatabase(db, join(dir, 'mem.db'));
    db.close();
    const copy = openDatabase(join(dir, 'mem.db'), log);
    assert.equal(count(copy), 5);
    closeDatabase(copy, log);
  });

  it('refuses to back up onto the source and fails cleanly on a closed connection', async () => {
    const dir = freshDir('errors');
    const file = join(dir, 'xlive.db');
    const db = sourceDb(file, 1);
    await assert.rejects(backupDatabase(db, file, { overwrite: true }), DatabaseError);
    closeDatabase(db, log);
    await assert.rejects(backupDatabase(db, join(dir, 'after-close.db')), DatabaseError);
    assert.deepEqual(readdirSync(dir).sort(), ['xlive.db'], 'no partial files left');
  });
});
