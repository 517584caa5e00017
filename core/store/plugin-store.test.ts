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

const log = silentLogger();

function setup(): { db: SqliteDatabase; migrator: Migrator } {
  const db = openDatabase(':memory:', log);
  const migrator = new Migrator(db, log);
  migrator.migrate(CORE_OWNER, CORE_MIGRATIONS);
  return { db, migrator };
}

describe('createPluginStore', () => {
  it('namespaces values by plugin id', () => {
    const { db, migrator } = setup();
    const kv = new PluginKvRepository(db);
    const hls = createPluginStore(db, 'hls', migrator, { kv });
    const rtmp = createPluginStore(db, 'rtmp', migrator, { kv });
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

  it('migrate() applies the plugin migrations under its id and returns a working PluginDatabase', () => {
    const { db, migrator } = setup();
    const store = createPluginStore(db, 'recorder', migrator);
    const migrations: Migration[] = [
      { version: 1, name: 'recordings', up: 'CREATE TABLE recorder_recordings (id INTEGER PRIMARY KEY, path TEXT NOT NULL)' },
    ];
    const pdb = store.migrate(migrations);
    const insert = pdb.prepare('INSERT INTO recorder_recordings (path) VALUES (?)');
    const result = pdb.transaction(() => insert.run('live/a.flv'));
    assert.equal(result.changes, 1);
    assert.deepEqual(pdb.prepare('SELECT path FROM recorder_recordings').all(), [{ path: 'live/a.flv' }]);
    pdb.exec('DELETE FROM recorder_recordings');
    assert.equal(migrator.version('recorder'), 1);
    assert.equal(migrator.version(CORE_OWNER), CORE_MIGRATIONS.length, 'core versions untouched');
    store.migrate(migrations); // idempotent
    assert.equal(migrator.applied('recorder').length, 1);
    db.close();
  });

  it('a transaction that throws rolls back', () => {
    const { db, migrator } = setup();
    const pdb = createPluginStore(db, 'demo', migrator).migrate([{ version: 1, name: 't', up: 'CREATE TABLE demo_t (n)' }]);
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
    const { db, migrator } = setup();
    for (const owner of ['core', '', 'Bad Id', '../x']) {
      assert.throws(() => createPluginStore(db, owner, migrator), DatabaseError, owner);
    }
    db.close();
  });
});
