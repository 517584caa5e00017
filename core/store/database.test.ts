import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DatabaseCorruptError, DatabaseError } from '../errors/xlive-error.js';
import { silentLogger } from '../logging/logger.js';
import { closeDatabase, openDatabase, type SqliteDatabase } from './database.js';
import { seededRandom as rng } from '../../test/helpers/seeded-random.js';

const log = silentLogger();
const dir = mkdtempSync(join(tmpdir(), 'xlive-store-db-'));
after(() => rmSync(dir, { recursive: true, force: true }));


/** A closed database file of a few dozen 4 KiB pages: a table with an index. */
function writeSampleDatabase(file: string, rows = 2000): Buffer {
  const db = openDatabase(file, log);
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT NOT NULL); CREATE INDEX t_s ON t (s)');
  const insert = db.prepare('INSERT INTO t (s) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < rows; i++) insert.run(`row ${i} ${'x'.repeat(40)}`);
  })();
  closeDatabase(db, log);
  return readFileSync(file);
}

function assertCorrupt(file: string): void {
  assert.throws(
    () => openDatabase(file, log),
    (err: unknown) => {
      assert.ok(err instanceof DatabaseCorruptError, `expected DatabaseCorruptError, got ${String(err)}`);
      assert.equal(err.code, 'DATABASE_CORRUPT');
      assert.ok(err.message.includes(file), `message names the file: ${err.message}`);
      assert.match(err.message, /xlive backup/);
      assert.match(err.message, /move it/);
      return true;
    },
  );
}

describe('openDatabase', () => {
  it('creates the parent directory and sets WAL, busy timeout, foreign keys and synchronous=NORMAL', () => {
    const file = join(dir, 'nested', 'deeper', 'xlive.db');
    const db = openDatabase(file, log);
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(db.pragma('busy_timeout', { simple: true }), 5000);
      assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
      assert.equal(db.pragma('synchronous', { simple: true }), 1); // 1 = NORMAL
      db.exec('CREATE TABLE x (a INTEGER)');
      assert.ok(existsSync(`${file}-wal`), 'a WAL file exists while the database is open');
    } finally {
      closeDatabase(db, log);
    }
    assert.ok(!existsSync(`${file}-wal`), 'closeDatabase folds the WAL back into the file');
  });

  it('opens :memory: for tests', () => {
    const db = openDatabase(':memory:', log);
    db.exec('CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (p INTEGER REFERENCES p (id))');
    assert.throws(() => db.prepare('INSERT INTO c (p) VALUES (42)').run(), /FOREIGN KEY/);
    closeDatabase(db, log);
  });

  it('reopens its own file with the data intact', () => {
    const file = join(dir, 'reopen.db');
    writeSampleDatabase(file, 10);
    const db = openDatabase(file, log);
    assert.deepEqual(db.prepare('SELECT count(*) AS n FROM t').get(), { n: 10 });
    closeDatabase(db, log);
  });

  it('refuses a file that is not a database at all', () => {
    const file = join(dir, 'garbage.db');
    writeFileSync(file, 'this is a text file, not an SQLite database\n'.repeat(200));
    assertCorrupt(file);
    assert.equal(readFileSync(file, 'utf8').slice(0, 9), 'this is a', 'the file is left untouched');
  });

  it('refuses a database with overwritten bytes in the middle pages', () => {
    const file = join(dir, 'mid-page.db');
    const bytes = writeSampleDatabase(file);
    assert.ok(bytes.length >= 30 * 4096);
    bytes.fill(0xa5, 20 * 4096 + 100, 20 * 4096 + 2000);
    writeFileSync(file, bytes);
    assertCorrupt(file);
  });

  it('refuses a truncated database', () => {
    const file = join(dir, 'truncated.db');
    const bytes = writeSampleDatabase(file);
    writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2 / 4096) * 4096));
    assertCorrupt(file);
    writeFileSync(file, bytes.subarray(0, 50)); // not even a whole header
    assertCorrupt(file);
  });

  it('gives a DatabaseError (not corrupt) when the path cannot be opened', () => {
    const file = join(dir, 'a-directory.db');
    mkdirSync(file);
    assert.throws(
      () => openDatabase(file, log),
      (err: unknown) => err instanceof DatabaseError && !(err instanceof DatabaseCorruptError) && err.message.includes(file),
    );
  });

  it('never crashes on randomly damaged files (seeded fuzz)', () => {
    const file = join(dir, 'fuzz.db');
    const pristine = writeSampleDatabase(join(dir, 'fuzz-source.db'), 300);
    const next = rng(0x5eed);
    let refused = 0;
    for (let i = 0; i < 300; i++) {
      const bytes = Buffer.from(pristine);
      const hits = 1 + Math.floor(next() * 8);
      for (let h = 0; h < hits; h++) {
        const at = Math.floor(next() * bytes.length);
        const len = 1 + Math.floor(next() * 64);
        for (let k = at; k < Math.min(bytes.length, at + len); k++) bytes[k] = Math.floor(next() * 256);
      }
      const cut = next() < 0.2 ? Math.floor(next() * bytes.length) : bytes.length;
      rmSync(`${file}-wal`, { force: true });
      rmSync(`${file}-shm`, { force: true });
      writeFileSync(file, bytes.subarray(0, cut));
      let db: SqliteDatabase | undefined;
      try {
        db = openDatabase(file, log);
      } catch (err) {
        assert.ok(err instanceof DatabaseError, `case ${i}: expected a DatabaseError, got ${String(err)}`);
        assert.ok(err.message.includes(file), `case ${i}: message names the file`);
        refused++;
      } finally {
        db?.close();
      }
    }
    assert.ok(refused > 100, `most damaged files are refused (${refused}/300)`);
  });
});
