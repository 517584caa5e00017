import { gunzipSync } from 'node:zlib';
import { PluginError } from '../errors/xlive-error.js';
import { readTar } from '../backup/tar.js';

/**
 * A plugin package: a gzip'd ustar (.tgz, what `npm pack` writes) of a built plugin folder, every file
 * under one top folder (`package/`), its `package.json` manifest at that folder's root. This module only
 * reads and checks bytes (no filesystem): `readPluginArchive` returns the files with paths relative to
 * the plugin folder, or throws a coded PluginError naming the offending entry. Everything an archive
 * could use to escape or exhaust the box is refused: absolute paths, `..`, links, devices, duplicate
 * paths, more than `maxEntries` entries, more than `maxUnpackedBytes` (a decompression bomb stops at
 * that size), and native modules built for another CPU.
 */
export interface PackageLimits {
  /** The .tgz itself (`pluginHost.maxPackageBytes`). */
  maxBytes: number;
  /** All files together, unpacked (`pluginHost.maxPackageUnpackedBytes`). */
  maxUnpackedBytes: number;
  /** Entries in the tar (`pluginHost.maxPackageEntries`). */
  maxEntries: number;
}

export interface PackageFile {
  /** Relative to the plugin folder, `/`-separated, checked by `checkPackagePath`. */
  path: string;
  data: Buffer;
  /** Permission bits as packed (only 0o755/0o644 are kept when written). */
  mode: number;
}

const BLOCK = 512;
const MAX_PATH_BYTES = 1024;
const MAX_DEPTH = 32;

function invalid(message: string, details?: Record<string, unknown>): PluginError {
  return new PluginError('PLUGIN_PACKAGE_INVALID', message, details ? { details } : {});
}

/** Unpack (in memory) and check a plugin package. Writes nothing. */
export function readPluginArchive(archive: Buffer, limits: PackageLimits, arch: string = process.arch): PackageFile[] {
  if (archive.length > limits.maxBytes) {
    throw new PluginError('PLUGIN_PACKAGE_TOO_LARGE', `the plugin package is ${archive.length} bytes; the limit is ${limits.maxBytes} (pluginHost.maxPackageBytes)`);
  }
  // RFC 1952 §2.3.1: ID1 = 0x1f, ID2 = 0x8b.
  if (archive.length < 18 || archive[0] !== 0x1f || archive[1] !== 0x8b) {
    throw invalid("the plugin package is not gzip'd (send the .tgz that `npm pack` writes)");
  }
  // The tar holds the files plus a header per entry and padding: bounded by the file limit plus that.
  const maxTar = limits.maxUnpackedBytes + BLOCK * (2 * limits.maxEntries + 2);
  let tar: Buffer;
  try {
    tar = gunzipSync(archive, { maxOutputLength: maxTar });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new PluginError('PLUGIN_PACKAGE_TOO_LARGE', `the plugin package unpacks to more than ${limits.maxUnpackedBytes} bytes (pluginHost.maxPackageUnpackedBytes)`, { cause: err });
    }
    throw new PluginError('PLUGIN_PACKAGE_INVALID', `the plugin package is not a valid gzip stream: ${(err as Error).message}`, { cause: err });
  }
  const entries = readTar(tar, { maxEntries: limits.maxEntries, skipDirectories: true, what: 'a plugin package', invalid });
  const top = new Set<string>();
  const files: PackageFile[] = [];
  for (const e of entries) {
    checkPackagePath(e.path, true);
    const slash = e.path.indexOf('/');
    if (slash < 0) throw invalid(`archive entry ${JSON.stringify(e.path)} is not inside a folder; a plugin package holds its files under one top folder (package/, as npm pack writes)`, { entry: e.path });
    top.add(e.path.slice(0, slash));
    files.push({ path: e.path.slice(slash + 1), data: e.data, mode: e.mode ?? 0o644 });
  }
  if (top.size > 1) throw invalid(`the plugin package has more than one top folder (${[...top].slice(0, 5).join(', ')}); pack one plugin folder (npm pack)`);
  checkPackageFiles(files, limits, arch);
  return files;
}

/**
 * Check a package's files, from an archive or a folder: each path, no path twice, no file where
 * another path needs a folder, the unpacked size, `package.json` at the root, native modules for
 * this CPU.
 */
export function checkPackageFiles(files: readonly PackageFile[], limits: Pick<PackageLimits, 'maxUnpackedBytes' | 'maxEntries'>, arch: string = process.arch): void {
  if (files.length > limits.maxEntries) throw invalid(`the plugin has more than ${limits.maxEntries} files (pluginHost.maxPackageEntries)`);
  const seen = new Set<string>();
  let total = 0;
  for (const f of files) {
    checkPackagePath(f.path, false);
    if (seen.has(f.path)) throw invalid(`the plugin package holds ${JSON.stringify(f.path)} twice`, { entry: f.path });
    seen.add(f.path);
    total += f.data.length;
    if (total > limits.maxUnpackedBytes) {
      throw new PluginError('PLUGIN_PACKAGE_TOO_LARGE', `the plugin's files add up to more than ${limits.maxUnpackedBytes} bytes (pluginHost.maxPackageUnpackedBytes)`);
    }
  }
  for (const f of files) {
    // A file at a path another entry needs as a folder ("a" and "a/b").
    for (let i = f.path.indexOf('/'); i > 0; i = f.path.indexOf('/', i + 1)) {
      if (seen.has(f.path.slice(0, i))) throw invalid(`the plugin package holds ${JSON.stringify(f.path.slice(0, i))} both as a file and as a folder`, { entry: f.path });
    }
    if (f.path.endsWith('.node')) checkNativeModule(f.path, f.data, arch);
  }
  if (!seen.has('package.json')) throw invalid('the plugin package has no package.json at its root (package/package.json)');
}

/**
 * One entry's path: relative, `/`-separated, no empty, `.` or `..` segment, no backslash, NUL or
 * control character, at most 1024 bytes and 32 levels. `withTop`: the path still has its top folder.
 */
export function checkPackagePath(path: string, withTop: boolean): void {
  const shown = JSON.stringify(path.slice(0, 200));
  const refuse = (why: string) => invalid(`archive entry ${shown} ${why}`, { entry: path.slice(0, 200) });
  if (path === '' || path === '/') throw refuse('has an empty path');
  if (path.startsWith('/')) throw refuse('is an absolute path');
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) throw refuse(`has a path longer than ${MAX_PATH_BYTES} bytes`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(path)) throw refuse('has a control character or a backslash in its path');
  const segments = path.split('/');
  if (segments.length > MAX_DEPTH + (withTop ? 1 : 0)) throw refuse(`is nested deeper than ${MAX_DEPTH} folders`);
  for (const s of segments) {
    if (s === '..') throw refuse('climbs out of the plugin folder (..)');
    if (s === '' || s === '.') throw refuse('has an empty or "." path segment');
  }
}

/** ELF e_machine values (System V ABI, "Machine Information") of the architectures Node names in `process.arch`. */
const ELF_MACHINE: Record<string, { machine: number; name: string }> = {
  ia32: { machine: 3, name: 'x86 (EM_386)' },
  arm: { machine: 40, name: '32-bit ARM (EM_ARM)' },
  x64: { machine: 62, name: 'x86-64 (EM_X86_64)' },
  arm64: { machine: 183, name: 'AArch64 (EM_AARCH64)' },
  ppc64: { machine: 21, name: 'PowerPC 64 (EM_PPC64)' },
  s390x: { machine: 22, name: 's390x (EM_S390)' },
  riscv64: { machine: 243, name: 'RISC-V (EM_RISCV)' },
  loong64: { machine: 258, name: 'LoongArch (EM_LOONGARCH)' },
};

/** The ELF e_machine of `data`, or undefined when it is not an ELF file. */
export function elfMachine(data: Uint8Array): number | undefined {
  // e_ident: 0x7f 'E' 'L' 'F', EI_CLASS (4), EI_DATA (5: 1 = little-endian, 2 = big-endian); e_type (16..17); e_machine (18..19).
  if (data.length < 20 || data[0] !== 0x7f || data[1] !== 0x45 || data[2] !== 0x4c || data[3] !== 0x46) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data[5] !== 1 && data[5] !== 2) return undefined;
  return view.getUint16(18, data[5] === 1);
}

/** A native module (`*.node`) must be an ELF object for this box's CPU. */
function checkNativeModule(path: string, data: Buffer, arch: string): void {
  const host = ELF_MACHINE[arch];
  const machine = elfMachine(data);
  if (machine === undefined) {
    throw new PluginError('PLUGIN_NATIVE_ARCH_MISMATCH', `native module ${JSON.stringify(path)} is not a Linux ELF shared object (built for another system?); rebuild it on or for this box (${arch})`, {
      details: { entry: path, arch },
    });
  }
  if (!host || machine !== host.machine) {
    const built = Object.entries(ELF_MACHINE).find(([, v]) => v.machine === machine);
    const builtFor = built ? `${built[0]}, ${built[1].name}` : `ELF e_machine ${machine}`;
    throw new PluginError(
      'PLUGIN_NATIVE_ARCH_MISMATCH',
      `native module ${JSON.stringify(path)} is built for ${builtFor}; this box is ${arch}${host ? ` (${host.name})` : ''}: rebuild it for ${arch} (npm rebuild on the box's architecture) or ship a prebuilt binary for ${arch}`,
      { details: { entry: path, builtFor: built?.[0] ?? machine, arch } },
    );
  }
}
