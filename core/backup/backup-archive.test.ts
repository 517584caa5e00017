import assert from 'node:assert/strict';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { packBackup, unpackBackup, type BackupPart } from './backup-archive.js';
import { readTar, writeTar } from './tar.js';

const LIMITS = { maxUnpackedBytes: 10 * 1024 * 1024, maxEntries: 100, coreSchema: 3 };
const META = { xliveVersion: '1.2.3', createdAt: '2026-01-02T03:04:05.000Z', schema: { core: 3, plugins: { 'auth-local': 2 } } };
const PARTS: BackupPart[] = [
  { path: 'db/xlive.db', kind: 'core-db', data: Buffer.from('core database bytes') },
  { path: 'plugin-data/auth-local/jwt-secret', kind: 'plugin-file', data: Buffer.from('c2VjcmV0\n') },
  { path: `plugins/${'deep/'.repeat(30)}index.js`, kind: 'external-plugin', data: Buffer.alloc(1500, 7) },
];

describe('backup archive', () => {
  it('round-trips: tar.gz with manifest.json first, sizes and SHA-256 per entry', () => {
    const { archive, manifest } = packBackup(PARTS, META);
    const entries = readTar(gunzipSync(archive), { maxEntries: 10 });
    assert.equal(entries[0]!.path, 'manifest.json');
    assert.deepEqual(entries.slice(1).map((e) => e.path), PARTS.map((p) => p.path));
    assert.equal(manifest.entries[0]!.sha256.length, 64);
    const back = unpackBackup(archive, LIMITS);
    assert.deepEqual(back.parts.map((p) => [p.path, p.data.toString('hex')]), PARTS.map((p) => [p.path, p.data.toString('hex')]));
    assert.deepEqual(back.manifest.schema, META.schema);
  });

  it('refuses a changed byte, a missing core database, a bad path, a newer format or schema, a bomb', () => {
    const tar = gunzipSync(packBackup(PARTS, META).archive);
    const flipped = Buffer.from(tar);
    const at = flipped.indexOf('core database bytes');
    flipped[at] = flipped[at]! ^ 1;
    assert.throws(() => unpackBackup(gzipSync(flipped), LIMITS), { code: 'BACKUP_INVALID', message: /checksum/ });
    assert.throws(() => unpackBackup(packBackup([PARTS[1]!], META).archive, LIMITS), { code: 'BACKUP_INVALID', message: /exactly one core database/ });
    for (const path of ['db/../xlive.db', 'config/../../etc/passwd.json', '/db/xlive.db', 'plugin-data/x/../../y', 'plugins/a/../../b', 'plugins/./a']) {
      assert.throws(() => packBackup([{ path, kind: path.startsWith('plugins') ? 'external-plugin' : path.startsWith('config') ? 'config' : 'core-db', data: Buffer.alloc(1) }], META), { code: 'BACKUP_INVALID' }, path);
    }
    const m = JSON.parse(readTar(tar, { maxEntries: 10 })[0]!.data.toString()) as Record<string, unknown>;
    const withManifest = (mm: Record<string, unknown>) => gzipSync(writeTar([{ path: 'manifest.json', data: Buffer.from(JSON.stringify(mm)) }, ...PARTS]));
    assert.throws(() => unpackBackup(withManifest({ ...m, formatVersion: 2 }), LIMITS), { code: 'BACKUP_INCOMPATIBLE' });
    assert.throws(() => unpackBackup(withManifest({ ...m, schema: { core: 4, plugins: {} } }), LIMITS), { code: 'BACKUP_INCOMPATIBLE' });
    assert.throws(() => unpackBackup(withManifest({ ...m, format: 'zip' }), LIMITS), { code: 'BACKUP_INVALID' });
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024));
    assert.throws(() => unpackBackup(bomb, LIMITS), { code: 'BACKUP_INVALID', message: /more than/ });
    const archive = packBackup(PARTS, META).archive;
    assert.throws(() => unpackBackup(archive.subarray(0, archive.length - 10), LIMITS), { code: 'BACKUP_INVALID' });
  });

  it('the tar reader refuses links, bad checksums and truncation', () => {
    const tar = writeTar([{ path: 'a', data: Buffer.from('x') }]);
    const link = Buffer.from(tar);
    link.write('2', 156, 'ascii');
    assert.throws(() => readTar(link, { maxEntries: 5 }), { code: 'BACKUP_INVALID', message: /checksum/ }, 'changed header, old checksum');
    assert.throws(() => readTar(tar.subarray(0, 700), { maxEntries: 5 }), { code: 'BACKUP_INVALID', message: /truncated/ });
    assert.throws(() => readTar(writeTar([{ path: 'a', data: Buffer.alloc(0) }, { path: 'b', data: Buffer.alloc(0) }]), { maxEntries: 1 }), { code: 'BACKUP_INVALID' });
  });
});
