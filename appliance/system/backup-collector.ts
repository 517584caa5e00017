import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { packBackup, type BackupManifest, type BackupPart } from '../../core/backup/backup-archive.js';
import { fitsTar } from '../../core/backup/tar.js';
import { PayloadTooLargeError } from '../../core/errors/xlive-error.js';
import type { Logger } from '../../core/logging/logger.js';
import { backupDatabase, closeDatabase, CORE_OWNER, existingPluginDatabases, Migrator, openDatabase, type SqliteDatabase } from '../../core/store/index.js';

export interface BackupSources {
  /** The core database: an open handle (the running box) — backed up online, never closed here. */
  core: SqliteDatabase;
  dataDir: string;
  configDir: string;
  pluginsDir: string;
  xliveVersion: string;
  /** Refuse to build an archive larger than this (before compression). */
  maxBytes: number;
  log: Logger;
  now?: () => Date;
}

/** A plugin's state files (at the top of its data directory) larger than this stay out (recordings live in subdirectories). */
const MAX_STATE_FILE = 1024 * 1024;
const DB_FILE = /\.db(?:-wal|-shm|-journal)?$|\.partial-[0-9a-f]+$/;
const STATE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;
const CONFIG_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\.json$/;

/**
 * Everything a box's state depends on, as one archive (core/backup/backup-archive.ts): online SQLite
 * backups of the core and every plugin database (safe while the box runs), the plugins' state files
 * (auth-local's jwt-secret: without it every token and playback link is void), the config files and
 * the external plugins directory. Symlinks are never followed or stored.
 */
export async function collectBackup(s: BackupSources): Promise<{ archive: Buffer; manifest: BackupManifest }> {
  const parts: BackupPart[] = [];
  const skipped: string[] = [];
  const schema: BackupManifest['schema'] = { core: 0, plugins: {} };
  let total = 0;
  const add = (part: BackupPart) => {
    total += part.data.length;
    if (total > s.maxBytes) {
      throw new PayloadTooLargeError(`the backup would be larger than backup.maxBytes (${s.maxBytes} bytes) at ${part.path}; raise backup.maxBytes or remove large files from the plugins directory`, {
        details: { limit: s.maxBytes },
      });
    }
    parts.push(part);
  };

  const tmp = join(s.dataDir, `.backup-${randomBytes(6).toString('hex')}`);
  mkdirSync(tmp, { recursive: true, mode: 0o700 });
  try {
    schema.core = new Migrator(s.core, s.log).version(CORE_OWNER);
    add({ path: 'db/xlive.db', kind: 'core-db', data: await onlineCopy(s.core, join(tmp, 'core.db')) });
    for (const p of existingPluginDatabases(s.dataDir)) {
      const db = openDatabase(p.file, s.log.child(`db:${p.owner}`));
      try {
        schema.plugins[p.owner] = new Migrator(db, s.log).version(p.owner);
        add({ path: `db/plugins/${p.owner}.db`, kind: 'plugin-db', data: await onlineCopy(db, join(tmp, `${p.owner}.db`)) });
      } finally {
        closeDatabase(db, s.log);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  const pluginData = join(s.dataDir, 'plugin-data');
  for (const owner of listDir(pluginData)) {
    const dir = join(pluginData, owner);
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(owner) || !lstatSync(dir).isDirectory()) continue;
    for (const name of listDir(dir)) {
      const file = join(dir, name);
      const st = lstatSync(file);
      if (!st.isFile() || DB_FILE.test(name)) continue;
      if (!STATE_NAME.test(name)) skipped.push(`plugin-data/${owner}/${name} (name)`);
      else if (st.size > MAX_STATE_FILE) skipped.push(`plugin-data/${owner}/${name} (larger than ${MAX_STATE_FILE} bytes)`);
      else add({ path: `plugin-data/${owner}/${name}`, kind: 'plugin-file', data: readFileSync(file) });
    }
  }

  for (const name of listDir(s.configDir)) {
    const file = join(s.configDir, name);
    if (!CONFIG_NAME.test(name) || !lstatSync(file).isFile()) continue;
    add({ path: `config/${name}`, kind: 'config', data: readFileSync(file) });
  }

  for (const file of walkFiles(s.pluginsDir, skipped)) {
    const rel = relative(s.pluginsDir, file).split(sep).join('/');
    const path = `plugins/${rel}`;
    if (!fitsTar(path) || !/^(?:[A-Za-z0-9@_+-][A-Za-z0-9@._+-]*\/)*[A-Za-z0-9@_+-][A-Za-z0-9@._+-]*$/.test(rel)) skipped.push(`${path} (path)`);
    else add({ path, kind: 'external-plugin', data: readFileSync(file) });
  }

  for (const why of skipped) s.log.warn(`backup: left out ${why}`);
  const createdAt = (s.now?.() ?? new Date()).toISOString();
  return packBackup(parts, { xliveVersion: s.xliveVersion, createdAt, schema, skipped });
}

/** An online backup of `db` into `file`, read back (then removed with the temp directory). */
async function onlineCopy(db: SqliteDatabase, file: string): Promise<Buffer> {
  await backupDatabase(db, file);
  return readFileSync(file);
}

function listDir(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).sort();
}

/** Regular files under `root`, depth first, sorted; symlinks (the SDK link in node_modules/xlive) are skipped. */
function walkFiles(root: string, skipped: string[]): string[] {
  const out: string[] = [];
  const visit = (dir: string, depth: number) => {
    if (depth > 32) return;
    for (const name of listDir(dir)) {
      const p = join(dir, name);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) {
        if (!(name === 'xlive' && dir.endsWith(`${sep}node_modules`))) skipped.push(`plugins/${relative(root, p).split(sep).join('/')} (symlink)`);
      } else if (st.isDirectory()) visit(p, depth + 1);
      else if (st.isFile()) out.push(p);
    }
  };
  visit(root, 0);
  return out;
}
