import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DatabaseError } from '../errors/xlive-error.js';
import { silentLogger } from '../logging/logger.js';
import { CORE_MIGRATIONS, CORE_OWNER } from './core-migrations.js';
import { openDatabase } from './database.js';
import { Migrator } from './migrator.js';
import { PluginStateRepository } from './plugin-state-repository.js';

const log = silentLogger();

function coreDb() {
  const db = openDatabase(':memory:', log);
  new Migrator(db, log).migrate(CORE_OWNER, CORE_MIGRATIONS);
  return db;
}

describe('CORE_MIGRATIONS', () => {
  it('create plugin_state, plugin_kv and settings, recorded under core', () => {
    const db = openDatabase(':memory:', log);
    const migrator = new Migrator(db, log);
    migrator.migrate(CORE_OWNER, CORE_MIGRATIONS);
    const names = (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all() as Array<{ name: string }>).map(
      (r) => r.name,
    );
    for (const t of ['plugin_state', 'plugin_kv', 'settings', 'schema_migrations']) assert.ok(names.includes(t), t);
    assert.equal(migrator.version(CORE_OWNER), CORE_MIGRATIONS.length);
    db.close();
  });
});

describe('PluginStateRepository', () => {
  it('round-trips enabled flags and stamps updated_at with the clock', () => {
    const db = coreDb();
    const repo = new PluginStateRepository(db, () => new Date('2024-01-02T03:04:05.000Z'));
    assert.equal(repo.get('hls'), undefined);
    repo.set('hls', false);
    repo.set('rtmp', true);
    assert.equal(repo.get('hls'), false);
    assert.equal(repo.get('rtmp'), true);
    repo.set('hls', true);
    assert.equal(repo.get('hls'), true);
    assert.deepEqual(repo.all(), new Map([['hls', true], ['rtmp', true]]));
    assert.deepEqual(db.prepare('SELECT updated_at FROM plugin_state WHERE id = ?').get('hls'), {
      updated_at: '2024-01-02T03:04:05.000Z',
    });
    db.close();
  });

  it('throws a DatabaseError when the core migrations were not applied', () => {
    const db = openDatabase(':memory:', log);
    assert.throws(() => new PluginStateRepository(db), (err: unknown) => err instanceof DatabaseError && /plugin_state/.test(err.message));
    db.close();
  });
});
