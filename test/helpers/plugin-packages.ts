/**
 * Plugin packages (.tgz, files under package/) built as byte fixtures in tests, and hostile variants:
 * a tar entry turned into a link or a device, an ELF native module for a given CPU.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeTar, type TarEntry } from '../../core/backup/tar.js';
import { PACKAGE_ROOT } from './appliance.js';

/** The example plugin as `npm run build` packs it (scripts/pack-example-plugin.mjs). */
export function examplePluginPackage(): { path: string; version: string } {
  const { version } = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'examples', 'hello-plugin', 'package.json'), 'utf8')) as { version: string };
  return { path: join(PACKAGE_ROOT, 'dist', 'examples', `hello-plugin-${version}.tgz`), version };
}

/** A package.json for plugin `id` (the `xlive` section merged over sane defaults). */
export function manifestJson(id: string, xlive: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ name: `p-${id}`, version: '1.0.0', type: 'module', main: 'index.js', ...extra, xlive: { id, apiVersion: '^1.0.0', kinds: ['other'], ...xlive } });
}

const PLUGIN_CODE = `import { definePlugin } from 'xlive/sdk';
export default definePlugin({ setup(ctx) { ctx.http.route('GET', '/', (c) => c.json({ id: ctx.id }), { public: true }); } });
`;

/** The tar of a plugin: package/package.json, package/index.js and `more` (paths as given). */
export function pluginTar(id: string, xlive: Record<string, unknown> = {}, more: TarEntry[] = [], extra: Record<string, unknown> = {}): Buffer {
  return writeTar([
    { path: 'package/package.json', data: Buffer.from(manifestJson(id, xlive, extra)), mode: 0o644 },
    { path: 'package/index.js', data: Buffer.from(PLUGIN_CODE), mode: 0o644 },
    ...more,
  ]);
}

/** The .tgz of `pluginTar`. */
export function pluginTgz(id: string, xlive: Record<string, unknown> = {}, more: TarEntry[] = [], extra: Record<string, unknown> = {}): Buffer {
  return gzipSync(pluginTar(id, xlive, more, extra));
}

/**
 * Set the typeflag of entry `index` of a tar (and its linkname), fixing the header checksum:
 * '1' hard link, '2' symbolic link, '3' character device, '4' block device, '6' FIFO.
 */
export function retype(tar: Buffer, index: number, type: string, linkname = ''): Buffer {
  const out = Buffer.from(tar);
  let at = 0;
  for (let i = 0; i < index; i++) at += 512 + Math.ceil(parseInt(out.toString('ascii', at + 124, at + 135), 8) / 512) * 512;
  out.write(type, at + 156, 'ascii'); // typeflag
  out.fill(0, at + 157, at + 257);
  out.write(linkname, at + 157, 100, 'utf8'); // linkname[100]
  out.fill(0x20, at + 148, at + 156);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += out[at + i]!;
  out.write(sum.toString(8).padStart(6, '0') + '\0 ', at + 148, 8, 'ascii');
  return out;
}

/** A minimal 64-bit little-endian ELF shared object header for `machine` (e_machine: 62 x86-64, 183 AArch64, 40 ARM). */
export function elfObject(machine: number): Buffer {
  const b = Buffer.alloc(64);
  b.set([0x7f, 0x45, 0x4c, 0x46], 0); // EI_MAG0..3
  b[4] = 2; // EI_CLASS: ELFCLASS64
  b[5] = 1; // EI_DATA: ELFDATA2LSB
  b[6] = 1; // EI_VERSION: EV_CURRENT
  b.writeUInt16LE(3, 16); // e_type: ET_DYN
  b.writeUInt16LE(machine, 18); // e_machine
  b.writeUInt32LE(1, 20); // e_version
  return b;
}

/** The e_machine of this box's CPU, and one of another CPU. */
export function elfMachines(): { here: number; other: number } {
  const here = ({ x64: 62, arm64: 183, arm: 40, ia32: 3 } as Record<string, number>)[process.arch] ?? 62;
  return { here, other: here === 183 ? 62 : 183 };
}
