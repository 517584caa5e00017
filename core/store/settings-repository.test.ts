import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DatabaseError, PayloadTooLargeError, ValidationError } from '../errors/xlive-error.js';
import { silentLogger } from '../logging/logger.js';
import { CORE_MIGRATIONS, CORE_OWNER } from './core-migrations.js';
import { openDatabase, type SqliteDatabase } from './database.js';
import { Migrator } from './migrator.js';
import { SettingsRepository } from './settings-repository.js';

const log = silentLogger();

function setup(): { db: SqliteDatabase; repo: SettingsRepository } {
  const db = openDatabase(':memory:', log);
  new Migrator(db, log).migrate(CORE_OWNER, CORE_MIGRATIONS);
  return { db, repo: new SettingsRepository(db, () => new Date('2024-03-01T00:00:00.000Z')) };
}

function keys(db: SqliteDatabase): string[] {
  return (db.prepare('SELECT key FROM settings ORDER BY key').all() as Array<{ key: string }>).map((r) => r.key);
}

describe('SettingsRepository', () => {
  it('reads dotted keys back as one nested object', () => {
    const { db, repo } = setup();
    assert.deepEqual(repo.all(), {});
    repo.set('http.port', 8081);
    repo.set('http.host', '0.0.0.0');
    repo.set('plugins.storage-local.root', '/var/lib/xlive/rec');
    repo.set('streams.readerQueueBytes', 4_000_000);
    repo.set('log.level', 'debug');
    repo.set('hls.variants', [{ name: 'hi' }, { name: 'lo' }]);
    repo.set('feature_flag', true);
    repo.set('nothing', null);
    assert.deepEqual(repo.all(), {
      http: { port: 8081, host: '0.0.0.0' },
      plugins: { 'storage-local': { root: '/var/lib/xlive/rec' } },
      streams: { readerQueueBytes: 4_000_000 },
      log: { level: 'debug' },
      hls: { variants: [{ name: 'hi' }, { name: 'lo' }] },
      feature_flag: true,
      nothing: null,
    });
    assert.deepEqual(db.prepare('SELECT value, updated_at FROM settings WHERE key = ?').get('http.port'), {
      value: '8081',
      updated_at: '2024-03-01T00:00:00.000Z',
    });
    db.close();
  });

  it('assigns like an object: an object value is stored as leaves and replaces the subtree', () => {
    const { db, repo } = setup();
    repo.set('http.port', 8081);
    repo.set('http.tls.cert', '/etc/cert');
    repo.set('http', { port: 9000, limits: { body: 1024 } });
    assert.deepEqual(keys(db), ['http.limits.body', 'http.port']);
    assert.deepEqual(repo.all(), { http: { port: 9000, limits: { body: 1024 } } });
    repo.set('http', {});
    assert.deepEqual(repo.all(), {});
    db.close();
  });

  it('replaces a leaf above a new key, and a subtree below a new leaf', () => {
    const { db, repo } = setup();
    repo.set('rtmp', 5);
    repo.set('rtmp.port', 1936);
    assert.deepEqual(repo.all(), { rtmp: { port: 1936 } });
    repo.set('rtmp', 'off');
    assert.deepEqual(repo.all(), { rtmp: 'off' });
    assert.deepEqual(keys(db), ['rtmp']);
    db.close();
  });

  it('deletes a key and everything below it, and nothing that only shares a prefix', () => {
    const { db, repo } = setup();
    repo.set('a.b', 1);
    repo.set('a.c.d', 2);
    repo.set('a-x', 3);
    repo.set('ab', 4);
    repo.set('a_b', 5);
    repo.delete('a');
    assert.deepEqual(repo.all(), { 'a-x': 3, ab: 4, a_b: 5 });
    repo.delete('missing.key');
    repo.delete('ab');
    assert.deepEqual(repo.all(), { 'a-x': 3, a_b: 5 });
    db.close();
  });

  it('rejects bad keys, values without JSON form, and oversized values', () => {
    const { db, repo } = setup();
    for (const key of ['', '.', 'a.', '.a', 'a..b', 'a b', '__proto__', 'x.__proto__.polluted', 'constructor', 'x'.repeat(201)]) {
      assert.throws(() => repo.set(key, 1), ValidationError, JSON.stringify(key));
      assert.throws(() => repo.delete(key), ValidationError, JSON.stringify(key));
    }
    assert.throws(() => repo.set('x', { ok: 1, 'bad key': 2 }), ValidationError);
    assert.throws(() => repo.set('x', undefined), ValidationError);
    assert.throws(() => repo.set('x', () => 1), ValidationError);
    assert.throws(() => repo.set('x', 10n), ValidationError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(() => repo.set('x', cyclic), ValidationError);
    assert.throws(() => repo.set('x', 'y'.repeat(70_000)), PayloadTooLargeError);
    assert.deepEqual(keys(db), [], 'nothing was written');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    db.close();
  });

  it('reports a row damaged outside xlive as a DatabaseError', () => {
    const { db, repo } = setup();
    db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('x', '{not json', '')").run();
    assert.throws(() => repo.all(), (err: unknown) => err instanceof DatabaseError && /setting x holds invalid JSON/.test(err.message));
    db.close();
  });

  it('keeps all() consistent with a model under random set/delete (seeded)', () => {
    const { db, repo } = setup();
    let seed = 12345;
    const next = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const segments = ['a', 'b', 'c'];
    const model: Record<string, unknown> = {};
    const assign = (path: string[], value: unknown): void => {
      let node = model;
      for (const s of path.slice(0, -1)) {
        const v = node[s];
        if (typeof v !== 'object' || v === null || Array.isArray(v)) node[s] = {};
        node = node[s] as Record<string, unknown>;
      }
      node[path[path.length - 1]!] = value;
    };
    const remove = (path: string[]): void => {
      let node: unknown = model;
      for (const s of path.slice(0, -1)) node = (node as Record<string, unknown> | undefined)?.[s];
      if (typeof node === 'object' && node !== null) delete (node as Record<string, unknown>)[path[path.length - 1]!];
    };
    const prune = (v: unknown): unknown => {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
      const out: Record<string, unknown> = {};
      for (const [k, c] of Object.entries(v)) {
        const p = prune(c);
        if (typeof p === 'object' && p !== null && !Array.isArray(p) && Object.keys(p).length === 0) continue;
        out[k] = p;
      }
      return out;
    };
    for (let i = 0; i < 1500; i++) {
      const path = Array.from({ length: 1 + next(3) }, () => segments[next(3)]!);
      const key = path.join('.');
      const op = next(4);
      if (op === 0) {
        repo.delete(key);
        remove(path);
      } else {
        const value = op === 1 ? { [segments[next(3)]!]: i } : op === 2 ? [i] : i;
        repo.set(key, value);
        assign(path, structuredClone(value));
      }
      if (i % 50 === 0) assert.deepEqual(repo.all(), prune(model), `after step ${i} (${key})`);
    }
    assert.deepEqual(repo.all(), prune(model));
    db.close();
  });
});
