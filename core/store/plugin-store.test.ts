import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DatabaseError } from '../errors/xlive-error.js';
import { silentLogger } from '../logging/logger.js';
import type { Migration } from '../sdk/plugin.js';
import { CORE_MIGRATIONS, CORE_OWNER } from './core-migrations.js';
import { openDatabase, type SqliteDatabase } from './database.js';
import { Migrator } from './migrator.js';
import { PluginKvRepository } from './plugin-kv-repository.js';
import { createPluginStore } from './plugin-store.js';
import { PluginDatabases } from './plugin-databases.js';

const log = silentLogger();

function setup(): { db: SqliteDatabase; migrator: Migrator; dbs: PluginDatabases } {
  const db = openDatabase(':memory:', log);
  const migrator = new Migrator(db, log);
  migrator.migrate(CORE_OWNER, CORE_MIGRATIONS);
  return { db, migrator, dbs: new PluginDatabases({ dataDir: null, log }) };
}

describe('createPluginStore', () => {
  it('namespaces values by plugin id', () => {
    const { db, dbs } = setup();
    const kv = new PluginKvRepository(db);
    const hls = createPluginStore(db, 'hls', dbs, { kv });
    const rtmp = createPluginStore(db, 'rtmp', dbs, { kv });
    hls.set('last-session', { id: 'abc', segments: 3 });
    rtmp.set('last-session', 'other');
    assert.deepEqual(hls.get<{ id: string; segments: number }>('last-session'), { id: 'abc', segments: 3 });
    assert.equal(rtmp.get('last-session'), 'other');
    hls.delete('last-session');
    assert.equal(hls.get('last-session'), undefined);
    assert.equal(rtmp.get('last-session'), 'other');
    assert.deepEqual(kv.keys('rtmp'), ['last-session']);
    db.close();
  });

  it('migrate() applies the plugin migrations under its id, in its own database, and returns a working PluginDatabase', () => {
    const { db, migrator, dbs } = setup();
    const store = createPluginStore(db, 'recorder', dbs);
    const migrations: Migration[] = [
      { version: 1, name: 'recordings', up: 'CREATE TABLE recorder_recordings (id INTEGER PRIMARY KEY, path TEXT NOT NULL)' },
    ];
    const pdb = store.migrate(migrations);
    const insert = pdb.prepare('INSERT INTO recorder_recordings (path) VALUES (?)');
    const result = pdb.transaction(() => insert.run('live/a.flv'));
    assert.equal(result.changes, 1);
    assert.deepEqual(pdb.prepare('SELECT path FROM recorder_recordings').all(), [{ path: 'live/a.flv' }]);
    pdb.exec('DELETE FROM recorder_recordings');
    const own = dbs.open('recorder').migrator;
    assert.equal(own.version('recorder'), 1);
    assert.equal(migrator.version('recorder'), 0, 'nothing recorded in the core database');
    assert.deepEqual(db.prepare("SELECT name FROM sqlite_master WHERE name = 'recorder_recordings'").all(), [], 'no plugin table in the core database');
    assert.equal(migrator.version(CORE_OWNER), CORE_MIGRATIONS.length, 'core versions untouched');
    store.migrate(migrations); // idempotent
    assert.equal(own.applied('recorder').length, 1);
    dbs.closeAll();
    db.close();
  });

  it('a transaction that throws rolls back', () => {
    const { db, dbs } = setup();
    const pdb = createPluginStore(db, 'demo', dbs).migrate([{ version: 1, name: 't', up: 'CREATE TABLE demo_t (n)' }]);
    assert.throws(() =>
      pdb.transaction(() => {
        pdb.prepare('INSERT INTO demo_t VALUES (1)').run();
        throw new Error('abort');
      }),
    );
    assert.deepEqual(pdb.prepare('SELECT count(*) AS n FROM demo_t').get(), { n: 0 });
    db.close();
  });

  it('refuses the core owner and ids that are no plugin id', () => {
    const { db, dbs } = setup();
    for (const owner of ['core', '', 'Bad Id', '../x']) {
      assert.throws(() => createPluginStore(db, owner, dbs), DatabaseError, owner);
    }
    db.close();
  });

  it('two plugins never see each other\'s tables, and ATTACH is refused on a plugin database', () => {
    const { db, dbs } = setup();
    const a = createPluginStore(db, 'alpha', dbs).migrate([{ version: 1, name: 't', up: 'CREATE TABLE alpha_secret (v TEXT)' }]);
    a.prepare('INSERT INTO alpha_secret VALUES (?)').run('hash');
    const b = createPluginStore(db, 'beta', dbs).migrate([]);
    assert.throws(() => b.prepare('SELECT * FROM alpha_secret').all(), /no such table/);
    assert.deepEqual(b.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all(), [{ name: 'schema_migrations' }]);
    assert.throws(() => b.exec("ATTACH DATABASE ':memory:' AS x"), DatabaseError);
    assert.throws(() => b.prepare("ATTACH DATABASE 'x.db' AS x"), DatabaseError);
    assert.throws(
      () => createPluginStore(db, 'gamma', dbs).migrate([{ version: 1, name: 'sneak', up: "ATTACH DATABASE 'x.db' AS x" }]),
      DatabaseError,
    );
    dbs.closeAll();
    db.close();
  });
});
