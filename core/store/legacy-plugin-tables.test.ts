import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { DatabaseError } from '../errors/xlive-error.js';
import { silentLogger } from '../logging/logger.js';
import type { Migration } from '../sdk/plugin.js';
import { CORE_MIGRATIONS, CORE_OWNER } from './core-migrations.js';
import { closeDatabase, openDatabase, type SqliteDatabase } from './database.js';
import { Migrator } from './migrator.js';
import { PluginDatabases, pluginDatabaseFile } from './plugin-databases.js';

const log = silentLogger();
const OWNER = 'demo-plug';
const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'items and tags',
    up: `CREATE TABLE demo_plug_items (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL);
         CREATE TABLE demo_plug_tags (item_id INTEGER NOT NULL REFERENCES demo_plug_items(id) ON DELETE CASCADE, tag TEXT NOT NULL);
         CREATE INDEX demo_plug_tags_item ON demo_plug_tags (item_id);`,
  },
  { version: 2, name: 'notes', up: 'CREATE TABLE demo_plug_notes (n TEXT)' },
];

/** A data dir laid out the old way: the plugin's tables and migration rows inside xlive.db. */
function oldLayout(): { dir: string; core: SqliteDatabase } {
  const dir = mkdtempSync(join(tmpdir(), 'xlive-legacy-'));
  const core = openDatabase(join(dir, 'xlive.db'), log);
  const m = new Migrator(core, log);
  m.migrate(CORE_OWNER, CORE_MIGRATIONS);
  m.migrate(OWNER, MIGRATIONS);
  for (let i = 1; i <= 50; i++) core.prepare('INSERT INTO demo_plug_items (name) VALUES (?)').run(`item ${i}`);
  core.prepare('DELETE FROM demo_plug_items WHERE id > 40').run(); // the AUTOINCREMENT counter stays at 50
  for (let i = 1; i <= 40; i++) core.prepare('INSERT INTO demo_plug_tags VALUES (?, ?)').run(i, `t${i}`);
  core.prepare("INSERT INTO demo_plug_notes VALUES ('kept')").run();
  // another plugin's and the core's tables stay where they are
  core.exec("CREATE TABLE other_plugin_x (v TEXT); INSERT INTO other_plugin_x VALUES ('theirs')");
  return { dir, core };
}

function coreTables(core: SqliteDatabase): string[] {
  return (core.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'demo%' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
}

function checkMoved(dir: string, core: SqliteDatabase): void {
  assert.deepEqual(coreTables(core), [], 'nothing of the plugin is left in xlive.db');
  assert.deepEqual(core.prepare('SELECT version FROM schema_migrations WHERE owner = ?').all(OWNER), []);
  assert.ok(core.prepare('SELECT rows FROM plugin_data_moves WHERE owner = ?').get(OWNER), 'the move is recorded (the marker)');
  assert.deepEqual(core.prepare('SELECT v FROM other_plugin_x').all(), [{ v: 'theirs' }]);
  const own = new Database(pluginDatabaseFile(dir, OWNER), { readonly: true });
  try {
    assert.equal((own.prepare('SELECT count(*) AS n FROM demo_plug_items').get() as { n: number }).n, 40);
    assert.equal((own.prepare('SELECT count(*) AS n FROM demo_plug_tags').get() as { n: number }).n, 40);
    assert.deepEqual(own.prepare('SELECT n FROM demo_plug_notes').all(), [{ n: 'kept' }]);
    assert.deepEqual(own.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'demo_plug_items'").get(), { seq: 50 });
    assert.ok(own.prepare("SELECT 1 FROM sqlite_master WHERE name = 'demo_plug_tags_item'").get(), 'indexes come along');
    assert.deepEqual(own.prepare('SELECT version FROM schema_migrations WHERE owner = ? ORDER BY version').all(OWNER), [{ version: 1 }, { version: 2 }]);
    assert.equal(own.prepare("SELECT 1 FROM sqlite_master WHERE name = 'other_plugin_x'").get(), undefined);
  } finally {
    own.close();
  }
}

describe('moving a plugin\'s tables out of xlive.db into its own file', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('moves tables, rows, indexes, AUTOINCREMENT counters and migration rows once; the plugin migrates on from there', () => {
    const { dir, core } = oldLayout();
    dirs.push(dir);
    const dbs = new PluginDatabases({ dataDir: dir, legacy: core, log });
    const own = dbs.open(OWNER);
    checkMoved(dir, core);
    const out = own.migrator.migrate(OWNER, [...MIGRATIONS, { version: 3, name: 'more', up: 'CREATE TABLE demo_plug_more (x)' }]);
    assert.deepEqual(out.applied.map((a) => a.version), [3]);
    assert.deepEqual(own.db.prepare('SELECT count(*) AS n FROM demo_plug_items').get(), { n: 40 });
    dbs.closeAll();
    // a second start has nothing to move
    const again = new PluginDatabases({ dataDir: dir, legacy: core, log });
    assert.equal(again.open(OWNER).migrator.version(OWNER), 3);
    again.closeAll();
    closeDatabase(core, log);
  });

  it('moves a plugin without AUTOINCREMENT tables out of a core that has some (no sqlite_sequence in its file)', () => {
    const { dir, core } = oldLayout();
    dirs.push(dir);
    new Migrator(core, log).migrate('plain-plug', [{ version: 1, name: 't', up: 'CREATE TABLE plain_plug_t (v TEXT)' }]);
    core.exec("INSERT INTO plain_plug_t VALUES ('a'), ('b')");
    const dbs = new PluginDatabases({ dataDir: dir, legacy: core, log });
    assert.deepEqual(dbs.open('plain-plug').db.prepare('SELECT v FROM plain_plug_t ORDER BY v').all(), [{ v: 'a' }, { v: 'b' }]);
    assert.equal(core.prepare("SELECT 1 FROM sqlite_master WHERE name = 'plain_plug_t'").get(), undefined);
    dbs.closeAll();
    closeDatabase(core, log);
  });

  it('a failure while copying leaves xlive.db untouched and the plugin file without the data; the next start moves it', () => {
    const { dir, core } = oldLayout();
    dirs.push(dir);
    // The plugin's file already holds a table of the same name: CREATE fails half-way through the copy.
    const squat = openDatabase(pluginDatabaseFile(dir, OWNER), log);
    squat.exec('CREATE TABLE demo_plug_notes (other TEXT)');
    closeDatabase(squat, log);
    const dbs = new PluginDatabases({ dataDir: dir, legacy: core, log });
    assert.throws(() => dbs.open(OWNER), (e: DatabaseError) => e.code === 'DATABASE_ERROR' && /nothing was removed/.test(e.message));
    assert.deepEqual(coreTables(core), ['demo_plug_items', 'demo_plug_notes', 'demo_plug_tags', 'demo_plug_tags_item']);
    assert.equal((core.prepare('SELECT count(*) AS n FROM demo_plug_items').get() as { n: number }).n, 40);
    const own = new Database(pluginDatabaseFile(dir, OWNER));
    assert.deepEqual(own.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'demo_plug_%'").all(), [{ name: 'demo_plug_notes' }], 'the copy was rolled back');
    assert.deepEqual(own.prepare('SELECT count(*) AS n FROM schema_migrations').get(), { n: 0 });
    own.exec('DROP TABLE demo_plug_notes');
    own.close();
    const retry = new PluginDatabases({ dataDir: dir, legacy: core, log });
    retry.open(OWNER);
    checkMoved(dir, core);
    retry.closeAll();
    closeDatabase(core, log);
  });

  it('a failure after the copy committed (before the core copy was dropped) is finished at the next start without duplicating rows', () => {
    const { dir, core } = oldLayout();
    dirs.push(dir);
    // Make the drop transaction fail at its last statement (the marker), as a kill there would.
    core.exec('ALTER TABLE plugin_data_moves RENAME TO plugin_data_moves_away');
    const dbs = new PluginDatabases({ dataDir: dir, legacy: core, log });
    assert.throws(() => dbs.open(OWNER), /its data is safe in/);
    assert.equal((core.prepare('SELECT count(*) AS n FROM demo_plug_items').get() as { n: number }).n, 40, 'the drop was rolled back');
    assert.deepEqual(core.prepare('SELECT count(*) AS n FROM schema_migrations WHERE owner = ?').get(OWNER), { n: 2 });
    core.exec('ALTER TABLE plugin_data_moves_away RENAME TO plugin_data_moves');
    const retry = new PluginDatabases({ dataDir: dir, legacy: core, log });
    retry.open(OWNER);
    checkMoved(dir, core);
    retry.closeAll();
    closeDatabase(core, log);
  });

  it('a damaged plugin database is refused with DATABASE_CORRUPT naming its file and the fix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xlive-plugdb-'));
    dirs.push(dir);
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const file = pluginDatabaseFile(dir, OWNER);
    mkdirSync(join(dir, 'plugin-data', OWNER), { recursive: true });
    writeFileSync(file, 'not a database at all '.repeat(300));
    const dbs = new PluginDatabases({ dataDir: dir, log });
    assert.throws(
      () => dbs.open(OWNER),
      (e: DatabaseError) => e.code === 'DATABASE_CORRUPT' && e.message.includes(file) && /xlive backup/.test(e.message),
    );
  });
});
