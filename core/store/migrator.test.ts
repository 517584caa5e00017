import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DatabaseError } from '../errors/xlive-error.js';
import { silentLogger } from '../logging/logger.js';
import type { Migration } from '../sdk/plugin.js';
import { closeDatabase, openDatabase, type SqliteDatabase } from './database.js';
import { Migrator } from './migrator.js';

const log = silentLogger();
const dir = mkdtempSync(join(tmpdir(), 'xlive-store-migrator-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function fixedClock(): () => Date {
  let t = Date.parse('2024-05-01T12:00:00.000Z');
  return () => new Date((t += 1000));
}

function tables(db: SqliteDatabase): string[] {
  const rows = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>;
  return rows.map((r) => r.name);
}

const hlsMigrations: Migration[] = [
  { version: 2, name: 'add size', up: 'ALTER TABLE hls_segments ADD COLUMN size INTEGER NOT NULL DEFAULT 0' },
  { version: 1, name: 'segments', up: 'CREATE TABLE hls_segments (path TEXT PRIMARY KEY)' },
];

describe('Migrator', () => {
  it('applies migrations once, in version order, and records them with the clock time', () => {
    const db = openDatabase(':memory:', log);
    const migrator = new Migrator(db, log, fixedClock());
    const first = migrator.migrate('hls', hlsMigrations);
    assert.deepEqual(first.applied.map((a) => a.version), [1, 2]);
    assert.equal(first.from, 0);
    assert.equal(first.to, 2);
    db.prepare('INSERT INTO hls_segments (path, size) VALUES (?, ?)').run('a.ts', 10);
    const second = migrator.migrate('hls', hlsMigrations);
    assert.deepEqual(second, { owner: 'hls', from: 2, to: 2, applied: [] });
    assert.deepEqual(migrator.applied('hls'), [
      { owner: 'hls', version: 1, name: 'segments', appliedAt: '2024-05-01T12:00:01.000Z' },
      { owner: 'hls', version: 2, name: 'add size', appliedAt: '2024-05-01T12:00:02.000Z' },
    ]);
    assert.equal(migrator.version('hls'), 2);
    closeDatabase(db, log);
  });

  it('keeps versions per owner', () => {
    const db = openDatabase(':memory:', log);
    const migrator = new Migrator(db, log);
    migrator.migrate('hls', hlsMigrations);
    migrator.migrate('core', [{ version: 1, name: 'one', up: 'CREATE TABLE core_one (a)' }]);
    migrator.migrate('rtmp', [
      { version: 1, name: 'a', up: 'CREATE TABLE rtmp_a (a)' },
      { version: 2, name: 'b', up: 'CREATE TABLE rtmp_b (a)' },
      { version: 3, name: 'c', up: 'CREATE TABLE rtmp_c (a)' },
    ]);
    assert.equal(migrator.version('hls'), 2);
    assert.equal(migrator.version('core'), 1);
    assert.equal(migrator.version('rtmp'), 3);
    assert.equal(migrator.version('never-migrated'), 0);
    closeDatabase(db, log);
  });

  it('applies new migrations added later, on a reopened file', () => {
    const file = join(dir, 'later.db');
    let db = openDatabase(file, log);
    new Migrator(db, log).migrate('hls', hlsMigrations.slice(1));
    closeDatabase(db, log);
    db = openDatabase(file, log);
    const outcome = new Migrator(db, log).migrate('hls', hlsMigrations);
    assert.deepEqual(outcome.applied.map((a) => a.version), [2]);
    assert.deepEqual(outcome.from, 1);
    closeDatabase(db, log);
  });

  it('passes function migrations a PluginDatabase', () => {
    const db = openDatabase(':memory:', log);
    new Migrator(db, log).migrate('kv-demo', [
      { version: 1, name: 'table', up: 'CREATE TABLE kv_demo_items (n INTEGER)' },
      {
        version: 2,
        name: 'seed',
        up: (pdb) => {
          const insert = pdb.prepare('INSERT INTO kv_demo_items (n) VALUES (?)');
          pdb.transaction(() => [1, 2, 3].forEach((n) => insert.run(n)));
        },
      },
    ]);
    assert.deepEqual(db.prepare('SELECT sum(n) AS s FROM kv_demo_items').get(), { s: 6 });
    closeDatabase(db, log);
  });

  it('rolls a failing migration back, keeps the earlier ones, and throws naming it', () => {
    const db = openDatabase(':memory:', log);
    const migrator = new Migrator(db, log);
    const migrations: Migration[] = [
      { version: 1, name: 'good', up: 'CREATE TABLE demo_good (a)' },
      { version: 2, name: 'half', up: 'CREATE TABLE demo_half (a); INSERT INTO no_such_table VALUES (1)' },
      { version: 3, name: 'never reached', up: 'CREATE TABLE demo_three (a)' },
    ];
    assert.throws(
      () => migrator.migrate('demo', migrations),
      (err: unknown) => {
        assert.ok(err instanceof DatabaseError);
        assert.match(err.message, /migration 2 'half' of demo failed and was rolled back/);
        assert.match(err.message, /no_such_table/);
        assert.ok(err.cause instanceof Error);
        return true;
      },
    );
    assert.deepEqual(tables(db).filter((t) => t.startsWith('demo_')), ['demo_good']);
    assert.equal(migrator.version('demo'), 1);

    const fnFails: Migration = {
      version: 2,
      name: 'throws',
      up: (pdb) => {
        pdb.exec('CREATE TABLE demo_fn (a)');
        throw new Error('boom');
      },
    };
    assert.throws(() => migrator.migrate('demo', [migrations[0]!, fnFails]), /failed and was rolled back: boom/);
    assert.ok(!tables(db).includes('demo_fn'));
    assert.equal(migrator.version('demo'), 1);
    closeDatabase(db, log);
  });

  it('refuses a database newer than the newest migration known (a downgrade)', () => {
    const db = openDatabase(':memory:', log);
    const migrator = new Migrator(db, log);
    migrator.migrate('hls', hlsMigrations);
    assert.throws(
      () => migrator.migrate('hls', hlsMigrations.filter((m) => m.version === 1)),
      (err: unknown) =>
        err instanceof DatabaseError &&
        err.code === 'DATABASE_ERROR' &&
        /schema version 2 for hls, newer than the newest migration this version knows \(1\)/.test(err.message),
    );
    assert.throws(() => migrator.migrate('hls', []), /schema version 2/);
    closeDatabase(db, log);
  });

  it('refuses an unapplied migration numbered below an applied one', () => {
    const db = openDatabase(':memory:', log);
    const migrator = new Migrator(db, log);
    migrator.migrate('demo', [{ version: 5, name: 'five', up: 'CREATE TABLE demo_five (a)' }]);
    assert.throws(
      () => migrator.migrate('demo', [{ version: 3, name: 'three', up: '' }, { version: 5, name: 'five', up: '' }]),
      /migration 3 'three' of demo was never applied but version 5 is/,
    );
    closeDatabase(db, log);
  });

  it('refuses malformed migration lists and owners before touching the database', () => {
    const db = openDatabase(':memory:', log);
    const migrator = new Migrator(db, log);
    const bad: Array<[string, unknown]> = [
      ['zero', [{ version: 0, name: 'z', up: '' }]],
      ['negative', [{ version: -1, name: 'n', up: '' }]],
      ['fraction', [{ version: 1.5, name: 'f', up: '' }]],
      ['string version', [{ version: '1', name: 's', up: '' }]],
      ['duplicate', [{ version: 1, name: 'a', up: '' }, { version: 1, name: 'b', up: '' }]],
      ['no name', [{ version: 1, name: '', up: '' }]],
      ['no up', [{ version: 1, name: 'x' }]],
      ['null entry', [null]],
    ];
    for (const [what, list] of bad) {
      assert.throws(() => migrator.migrate('demo', list as Migration[]), DatabaseError, what);
    }
    for (const owner of ['', 'Core', 'has space', 'a'.repeat(65), 'trailing-']) {
      assert.throws(() => migrator.migrate(owner, []), DatabaseError, owner);
    }
    assert.equal(migrator.version('demo'), 0);
    closeDatabase(db, log);
  });

  it('finds migrations recorded through another connection and applies nothing', () => {
    const file = join(dir, 'two-connections.db');
    const a = openDatabase(file, log);
    const b = openDatabase(file, log);
    const ma = new Migrator(a, log);
    const mb = new Migrator(b, log);
    ma.migrate('hls', hlsMigrations);
    assert.deepEqual(mb.migrate('hls', hlsMigrations).applied, []);
    closeDatabase(a, log);
    closeDatabase(b, log);
  });
});
