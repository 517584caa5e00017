import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { BackupIncompatibleError, BackupInvalidError } from '../errors/xlive-error.js';
import { readTar, writeTar } from './tar.js';

/**
 * The backup archive: a gzip-compressed POSIX tar (docs/api.md "## System") whose FIRST entry is
 * `manifest.json` — format, format version, xlive version, creation time, database schema versions
 * and, for every other entry, its kind, size and SHA-256. Everything a box's state depends on:
 *
 *   db/xlive.db                    core database (SQLite online backup)
 *   db/plugins/<id>.db             each plugin's database
 *   plugin-data/<id>/<file>        a plugin's small state files (auth-local's jwt-secret …)
 *   config/<name>.json             the config files (default.json, <XLIVE_ENV>.json, local.json)
 *   plugins/<path>                 the external plugins directory
 *
 * Readable with `tar xzf`; `unpackBackup` validates all of it before a byte is written anywhere.
 */
export const BACKUP_FORMAT = 'xlive-backup';
export const BACKUP_FORMAT_VERSION = 1;
export const MANIFEST_PATH = 'manifest.json';

export type BackupEntryKind = 'core-db' | 'plugin-db' | 'plugin-file' | 'config' | 'external-plugin';

export interface BackupManifestEntry {
  path: string;
  kind: BackupEntryKind;
  size: number;
  sha256: string;
}

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  xliveVersion: string;
  createdAt: string;
  /** Schema (migration) versions in the databases: the core's and each plugin's. */
  schema: { core: number; plugins: Record<string, number> };
  entries: BackupManifestEntry[];
  /** Files left out, with why (too large, path too long for tar). */
  skipped: string[];
}

export interface BackupPart {
  path: string;
  kind: BackupEntryKind;
  data: Buffer;
}

export interface PackMeta {
  xliveVersion: string;
  createdAt: string;
  schema: BackupManifest['schema'];
  skipped?: string[];
}

export interface UnpackLimits {
  /** Refuse an archive that unpacks to more than this. */
  maxUnpackedBytes: number;
  maxEntries: number;
  /** The newest core schema this release knows: a backup from a newer one is refused. */
  coreSchema: number;
}

const PLUGIN_ID = '[a-z0-9]+(?:-[a-z0-9]+)*';
const PATH_RULES: Record<BackupEntryKind, RegExp> = {
  'core-db': /^db\/xlive\.db$/,
  'plugin-db': new RegExp(`^db/plugins/${PLUGIN_ID}\\.db$`),
  'plugin-file': new RegExp(`^plugin-data/${PLUGIN_ID}/[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$`),
  config: /^config\/[A-Za-z0-9][A-Za-z0-9._-]{0,63}\.json$/,
  'external-plugin': /^plugins\/(?:[A-Za-z0-9@_+-][A-Za-z0-9@._+-]{0,254}\/)*[A-Za-z0-9@_+-][A-Za-z0-9@._+-]{0,254}$/,
};

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Build the archive (gzip of a tar: the manifest, then the parts in the order given). */
export function packBackup(parts: readonly BackupPart[], meta: PackMeta): { archive: Buffer; manifest: BackupManifest } {
  for (const p of parts) checkPath(p.path, p.kind);
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    formatVersion: BACKUP_FORMAT_VERSION,
    xliveVersion: meta.xliveVersion,
    createdAt: meta.createdAt,
    schema: meta.schema,
    entries: parts.map((p) => ({ path: p.path, kind: p.kind, size: p.data.length, sha256: sha256(p.data) })),
    skipped: meta.skipped ?? [],
  };
  const mtime = Math.floor(Date.parse(meta.createdAt) / 1000);
  const tar = writeTar([
    { path: MANIFEST_PATH, data: Buffer.from(JSON.stringify(manifest, null, 2) + '\n'), mtime },
    ...parts.map((p) => ({ path: p.path, data: p.data, mtime })),
  ]);
  return { archive: gzipSync(tar), manifest };
}

/**
 * Validate an archive completely — gzip, tar (regular files only), the manifest, format and schema
 * compatibility, every path against its kind's rule (no `..`, no absolute paths, nothing outside the
 * five areas), every size and SHA-256, no missing, extra or duplicate entry — and return its parts.
 * Throws BackupInvalidError or BackupIncompatibleError; never writes anything.
 */
export function unpackBackup(archive: Buffer, limits: UnpackLimits): { manifest: BackupManifest; parts: BackupPart[] } {
  let tar: Buffer;
  try {
    tar = gunzipSync(archive, { maxOutputLength: limits.maxUnpackedBytes });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw new BackupInvalidError(`the archive unpacks to more than ${limits.maxUnpackedBytes} bytes`, { cause: err });
    }
    const why = e.code === 'Z_BUF_ERROR' ? 'it is truncated' : e.code === 'Z_DATA_ERROR' ? 'it is damaged or not gzip' : e.message;
    throw new BackupInvalidError(`the upload is not a complete xlive backup archive (gzip): ${why}`, { cause: err });
  }
  const entries = readTar(tar, { maxEntries: limits.maxEntries + 1 });
  const first = entries[0];
  if (!first || first.path !== MANIFEST_PATH) throw new BackupInvalidError(`the archive's first entry must be ${MANIFEST_PATH}`);
  const manifest = parseManifest(first.data);
  if (manifest.formatVersion > BACKUP_FORMAT_VERSION) {
    throw new BackupIncompatibleError(`the backup has format version ${manifest.formatVersion}; this xlive reads up to ${BACKUP_FORMAT_VERSION} (made by xlive ${manifest.xliveVersion}: upgrade this box first)`, {
      details: { formatVersion: manifest.formatVersion },
    });
  }
  if (manifest.schema.core > limits.coreSchema) {
    throw new BackupIncompatibleError(
      `the backup's database has core schema version ${manifest.schema.core}, newer than this xlive knows (${limits.coreSchema}); it was made by xlive ${manifest.xliveVersion}: upgrade this box first`,
      { details: { schema: manifest.schema.core, supported: limits.coreSchema } },
    );
  }
  const byPath = new Map<string, Buffer>();
  for (const e of entries.slice(1)) {
    if (e.path === MANIFEST_PATH || byPath.has(e.path)) throw new BackupInvalidError(`archive entry ${JSON.stringify(e.path.slice(0, 200))} appears twice`);
    byPath.set(e.path, e.data);
  }
  const parts: BackupPart[] = [];
  const listed = new Set<string>();
  for (const m of manifest.entries) {
    checkPath(m.path, m.kind);
    if (listed.has(m.path)) throw new BackupInvalidError(`the manifest lists ${JSON.stringify(m.path)} twice`);
    listed.add(m.path);
    const data = byPath.get(m.path);
    if (!data) throw new BackupInvalidError(`the manifest lists ${JSON.stringify(m.path)}, which is not in the archive`, { details: { entry: m.path } });
    if (data.length !== m.size || sha256(data) !== m.sha256) {
      throw new BackupInvalidError(`archive entry ${JSON.stringify(m.path)} does not match its checksum in the manifest (damaged or altered)`, { details: { entry: m.path } });
    }
    parts.push({ path: m.path, kind: m.kind, data });
  }
  for (const path of byPath.keys()) {
    if (!listed.has(path)) throw new BackupInvalidError(`archive entry ${JSON.stringify(path.slice(0, 200))} is not in the manifest`, { details: { entry: path.slice(0, 200) } });
  }
  if (parts.filter((p) => p.kind === 'core-db').length !== 1) throw new BackupInvalidError('the archive must hold exactly one core database (db/xlive.db)');
  return { manifest, parts };
}

/** Refuse a path outside its kind's area (`..`, absolute, backslashes, anything unexpected). */
function checkPath(path: unknown, kind: unknown): void {
  const rule = typeof kind === 'string' ? PATH_RULES[kind as BackupEntryKind] : undefined;
  if (!rule) throw new BackupInvalidError(`unknown backup entry kind ${JSON.stringify(String(kind).slice(0, 40))}`);
  const ok = typeof path === 'string' && rule.test(path) && !path.split('/').some((s) => s === '.' || s === '..');
  if (!ok) {
    const shown = JSON.stringify(String(path).slice(0, 200));
    throw new BackupInvalidError(`backup entry ${shown} is not a path a ${kind} entry may have (paths stay inside their area: no "..", no absolute paths)`, {
      details: { entry: String(path).slice(0, 200) },
    });
  }
}

function parseManifest(data: Buffer): BackupManifest {
  let m: unknown;
  try {
    m = JSON.parse(data.toString('utf8'));
  } catch (err) {
    throw new BackupInvalidError(`${MANIFEST_PATH} is not JSON`, { cause: err });
  }
  const bad = (why: string) => new BackupInvalidError(`${MANIFEST_PATH} is not an xlive backup manifest: ${why}`);
  if (!isObject(m)) throw bad('not an object');
  if (m['format'] !== BACKUP_FORMAT) throw bad(`format is ${JSON.stringify(m['format'])}, expected "${BACKUP_FORMAT}"`);
  if (!Number.isSafeInteger(m['formatVersion']) || (m['formatVersion'] as number) < 1) throw bad('formatVersion must be a positive integer');
  if (typeof m['xliveVersion'] !== 'string' || typeof m['createdAt'] !== 'string') throw bad('xliveVersion and createdAt must be strings');
  const schema = m['schema'];
  if (!isObject(schema) || !Number.isSafeInteger(schema['core']) || !isObject(schema['plugins'])) throw bad('schema must be { core, plugins }');
  if (!Array.isArray(m['entries'])) throw bad('entries must be an array');
  for (const e of m['entries'] as unknown[]) {
    if (!isObject(e) || typeof e['path'] !== 'string' || typeof e['kind'] !== 'string' || !Number.isSafeInteger(e['size']) || typeof e['sha256'] !== 'string' || !/^[0-9a-f]{64}$/.test(e['sha256'])) {
      throw bad('each entry needs path, kind, size and a hex sha256');
    }
  }
  const manifest = m as unknown as BackupManifest;
  if (!Array.isArray(manifest.skipped)) manifest.skipped = [];
  return manifest;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
