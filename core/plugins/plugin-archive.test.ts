import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { writeTar } from '../backup/tar.js';
import { elfMachines, elfObject, pluginTar, pluginTgz, retype } from '../../test/helpers/plugin-packages.js';
import { elfMachine, readPluginArchive, type PackageLimits } from './plugin-archive.js';

const LIMITS: PackageLimits = { maxBytes: 1024 * 1024, maxUnpackedBytes: 256 * 1024, maxEntries: 50 };
const refusedWith = (code: string, message: RegExp) => (err: unknown) => {
  assert.equal((err as { code?: string }).code, code, String(err));
  assert.match((err as Error).message, message);
  return true;
};

describe('plugin archive: a .tgz of a plugin is read in memory and every hostile shape is refused', () => {
  it('reads the files of a well-formed package with paths relative to the plugin folder', () => {
    const files = readPluginArchive(pluginTgz('hello', {}, [{ path: 'package/lib/util.js', data: Buffer.from('export {}') }]), LIMITS);
    assert.deepEqual(files.map((f) => f.path), ['package.json', 'index.js', 'lib/util.js']);
    assert.equal(JSON.parse(files[0]!.data.toString()).xlive.id, 'hello');
  });

  it('passes over directory entries (tar czf writes them) and accepts any single top folder', () => {
    const tar = writeTar([
      { path: 'hello/', data: Buffer.alloc(0) },
      { path: 'hello/package.json', data: Buffer.from('{}') },
    ]);
    const withDir = retype(tar, 0, '5');
    assert.deepEqual(readPluginArchive(gzipSync(withDir), LIMITS).map((f) => f.path), ['package.json']);
  });

  it('refuses path traversal (..), absolute paths, empty segments and backslashes', () => {
    for (const path of ['package/../../etc/cron.d/x', '/etc/passwd', 'package//index2.js', 'package/./x.js', 'package/a\\..\\b.js']) {
      assert.throws(() => readPluginArchive(pluginTgz('evil', {}, [{ path, data: Buffer.from('x') }]), LIMITS), refusedWith('PLUGIN_PACKAGE_INVALID', /archive entry .* (climbs out|absolute|empty|backslash)/), path);
    }
  });

  it('refuses symbolic links, hard links, devices and FIFOs', () => {
    for (const [type, what] of [
      ['2', 'a symbolic link'],
      ['1', 'a hard link'],
      ['3', 'of tar type "3"'],
      ['4', 'of tar type "4"'],
      ['6', 'of tar type "6"'],
    ] as const) {
      const tar = retype(pluginTar('evil', {}, [{ path: 'package/link', data: Buffer.alloc(0) }]), 2, type, '/etc/shadow');
      assert.throws(() => readPluginArchive(gzipSync(tar), LIMITS), refusedWith('PLUGIN_PACKAGE_INVALID', new RegExp(`"package/link" is ${what.replace(/"/g, '.')}; a plugin package holds regular files only`)));
    }
  });

  it('refuses a path given twice, and a path that is both a file and a folder', () => {
    assert.throws(() => readPluginArchive(pluginTgz('evil', {}, [{ path: 'package/index.js', data: Buffer.from('second') }]), LIMITS), refusedWith('PLUGIN_PACKAGE_INVALID', /holds "index.js" twice/));
    assert.throws(
      () => readPluginArchive(pluginTgz('evil', {}, [{ path: 'package/index.js/x.js', data: Buffer.from('x') }]), LIMITS),
      refusedWith('PLUGIN_PACKAGE_INVALID', /"index.js" both as a file and as a folder/),
    );
  });

  it('refuses files outside one top folder, and a package without package.json', () => {
    assert.throws(() => readPluginArchive(pluginTgz('evil', {}, [{ path: 'other/x.js', data: Buffer.from('x') }]), LIMITS), refusedWith('PLUGIN_PACKAGE_INVALID', /more than one top folder/));
    assert.throws(() => readPluginArchive(pluginTgz('evil', {}, [{ path: 'loose.js', data: Buffer.from('x') }]), LIMITS), refusedWith('PLUGIN_PACKAGE_INVALID', /not inside a folder/));
    const noManifest = gzipSync(writeTar([{ path: 'package/index.js', data: Buffer.from('x') }]));
    assert.throws(() => readPluginArchive(noManifest, LIMITS), refusedWith('PLUGIN_PACKAGE_INVALID', /no package.json/));
  });

  it('refuses an archive over the size limit before unpacking it', () => {
    const big = pluginTgz('big', {}, [{ path: 'package/blob.bin', data: Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)) }]);
    assert.throws(() => readPluginArchive(big, { ...LIMITS, maxBytes: big.length - 1 }), refusedWith('PLUGIN_PACKAGE_TOO_LARGE', /limit is \d+ \(pluginHost.maxPackageBytes\)/));
  });

  it('stops a decompression bomb at the unpacked limit (64 MiB of zeros in a small .tgz)', () => {
    const bomb = pluginTgz('bomb', {}, [{ path: 'package/zeros.bin', data: Buffer.alloc(64 * 1024 * 1024) }]);
    assert.ok(bomb.length < 256 * 1024, `the bomb is small (${bomb.length} bytes)`);
    assert.throws(() => readPluginArchive(bomb, { ...LIMITS, maxBytes: 1024 * 1024 }), refusedWith('PLUGIN_PACKAGE_TOO_LARGE', /unpacks to more than 262144 bytes/));
    // Files that add up past the limit without the tar exceeding its bound are refused too.
    const many = pluginTgz('many', {}, [1, 2, 3].map((i) => ({ path: `package/f${i}.bin`, data: Buffer.alloc(100 * 1024) })));
    assert.throws(() => readPluginArchive(many, LIMITS), refusedWith('PLUGIN_PACKAGE_TOO_LARGE', /add up to more than 262144 bytes/));
  });

  it('refuses more entries than maxEntries', () => {
    const files = Array.from({ length: 60 }, (_, i) => ({ path: `package/f${i}.js`, data: Buffer.from('x') }));
    assert.throws(() => readPluginArchive(pluginTgz('many', {}, files), LIMITS), refusedWith('PLUGIN_PACKAGE_INVALID', /more than 50 entries/));
  });

  it('refuses what is not gzip, a damaged gzip stream and a damaged tar header', () => {
    assert.throws(() => readPluginArchive(Buffer.from('PK\u0003\u0004 a zip file, not a tgz'), LIMITS), refusedWith('PLUGIN_PACKAGE_INVALID', /not gzip'd/));
    const tgz = pluginTgz('x');
    const cut = tgz.subarray(0, tgz.length - 12);
    assert.throws(() => readPluginArchive(cut, LIMITS), refusedWith('PLUGIN_PACKAGE_INVALID', /not a valid gzip stream/));
    const tar = pluginTar('x');
    tar[10] = 0x41; // a byte of the first name changes: the checksum no longer matches
    assert.throws(() => readPluginArchive(gzipSync(tar), LIMITS), refusedWith('PLUGIN_PACKAGE_INVALID', /wrong checksum/));
  });

  it('refuses a native module built for another CPU (ELF e_machine), accepts one built for this CPU', () => {
    const { here, other } = elfMachines();
    assert.equal(elfMachine(elfObject(183)), 183);
    const ok = readPluginArchive(pluginTgz('native', {}, [{ path: 'package/build/Release/addon.node', data: elfObject(here) }]), LIMITS);
    assert.ok(ok.some((f) => f.path === 'build/Release/addon.node'));
    assert.throws(
      () => readPluginArchive(pluginTgz('native', {}, [{ path: 'package/build/Release/addon.node', data: elfObject(other) }]), LIMITS),
      refusedWith('PLUGIN_NATIVE_ARCH_MISMATCH', new RegExp(`"build/Release/addon.node" is built for ${other === 183 ? 'arm64' : 'x64'}.*this box is ${process.arch}.*rebuild it for ${process.arch}`)),
    );
    // The box's architecture is what counts: the same module on an arm64 box.
    assert.throws(() => readPluginArchive(pluginTgz('native', {}, [{ path: 'package/a.node', data: elfObject(62) }]), LIMITS, 'arm64'), refusedWith('PLUGIN_NATIVE_ARCH_MISMATCH', /built for x64.*this box is arm64/));
    assert.throws(() => readPluginArchive(pluginTgz('native', {}, [{ path: 'package/a.node', data: Buffer.from('\u00cf\u00fa\u00ed\u00femach-o') }]), LIMITS), refusedWith('PLUGIN_NATIVE_ARCH_MISMATCH', /not a Linux ELF/));
  });
});
