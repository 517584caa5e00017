import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DatabaseError, PayloadTooLargeError, ValidationError } from '../errors/xlive-error.js';
import { silentLogger } from '../logging/logger.js';
import { CORE_MIGRATIONS, CORE_OWNER } from './core-migrations.js';
import { openDatabase, type SqliteDatabase } from './database.js';
import { Migrator } from './migrator.js';
import { PLUGIN_KV_VALUE_MAX_BYTES, PluginKvRepository } from './plugin-kv-repository.js';

const log = silentLogger();

function setup(): { db: SqliteDatabase; kv: PluginKvRepository } {
  const db = openDatabase(':memory:', log);
  new Migrator(db, log).migrate(CORE_OWNER, CORE_MIGRATIONS);
  return { db, kv: new PluginKvRepository(db, () => new Date('2024-06-01T00:00:00.000Z')) };
}

describe('PluginKvRepository', () => {
  it('round-trips JSON values per owner and key', () => {
    const { db, kv } = setup();
    const values: unknown[] = [0, -1.5, 'text', '', true, false, null, [], [1, 'two', { three: 3 }], { nested: { deep: [null] } }, 'ünïcödé ✓'];
    values.forEach((v, i) => kv.set('hls', `k${i}`, v));
    values.forEach((v, i) => assert.deepEqual(kv.get('hls', `k${i}`), v));
    assert.equal(kv.get('hls', 'missing'), undefined);
    kv.set('hls', 'k0', 'replaced');
    assert.equal(kv.get('hls', 'k0'), 'replaced');
    assert.deepEqual(db.prepare('SELECT updated_at FROM plugin_kv WHERE owner = ? AND key = ?').get('hls', 'k0'), {
      updated_at: '2024-06-01T00:00:00.000Z',
    });
    db.close();
  });

  it('keeps owners apart', () => {
    const { db, kv } = setup();
    kv.set('hls', 'session', 'a');
    kv.set('rtmp', 'session', 'b');
    kv.set('rtmp', 'other', 1);
    assert.equal(kv.get('hls', 'session'), 'a');
    assert.equal(kv.get('rtmp', 'session'), 'b');
    kv.delete('hls', 'session');
    assert.equal(kv.get('hls', 'session'), undefined);
    assert.equal(kv.get('rtmp', 'session'), 'b');
    assert.deepEqual(kv.keys('rtmp'), ['other', 'session']);
    assert.equal(kv.deleteOwner('rtmp'), 2);
    assert.deepEqual(kv.keys('rtmp'), []);
    kv.delete('rtmp', 'never-set');
    db.close();
  });

  it('rejects bad keys, values without JSON form and values above the bound', () => {
    const { db, kv } = setup();
    assert.throws(() => kv.set('hls', '', 1), ValidationError);
    assert.throws(() => kv.set('', 'k', 1), ValidationError);
    assert.throws(() => kv.get('hls', 'k'.repeat(257)), ValidationError);
    assert.throws(() => kv.set('hls', 'k', undefined), ValidationError);
    assert.throws(() => kv.set('hls', 'k', Symbol('s')), ValidationError);
    assert.throws(() => kv.set('hls', 'k', 1n), ValidationError);
    // Multi-byte characters count in UTF-8 bytes, not UTF-16 units.
    assert.throws(() => kv.set('hls', 'k', '€'.repeat(PLUGIN_KV_VALUE_MAX_BYTES / 3)), PayloadTooLargeError);
    kv.set('hls', 'k', 'a'.repeat(PLUGIN_KV_VALUE_MAX_BYTES - 2)); // exactly at the bound with its quotes
    assert.deepEqual(kv.keys('hls'), ['k']);
    db.close();
  });

  it('reports a value damaged outside xlive as a DatabaseError', () => {
    const { db, kv } = setup();
    db.prepare("INSERT INTO plugin_kv (owner, key, value, updated_at) VALUES ('hls', 'bad', 'nope{', '')").run();
    assert.throws(() => kv.get('hls', 'bad'), (err: unknown) => err instanceof DatabaseError && /hls\/bad/.test(err.message));
    db.close();
  });
});
