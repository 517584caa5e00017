import { randomBytes } from 'node:crypto';
import { accessSync, constants, cpSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { BackupManifest, BackupPart } from '../../core/backup/backup-archive.js';
import { BackupIncompatibleError, BackupInvalidError } from '../../core/errors/xlive-error.js';
import type { Logger } from '../../core/logging/logger.js';

export interface RestoreTargets {
  dataDir: string;
  configDir: string;
  pluginsDir: string;
  /** The newest core schema this release knows. */
  coreSchema: number;
}

/** What a restore will do, said before it happens (the 202 answer). */
export interface RestoreSummary {
  createdAt: string;
  xliveVersion: string;
  databases: string[];
  stateFiles: number;
  configFiles: number;
  /** `applied`: written to the config directory; `staged`: it is read-only, left in `<dataDir>/restored-config`. */
  configTarget: 'applied' | 'staged' | 'none';
  externalPluginFiles: number;
}

const BEFORE_RESTORE = 'before-restore';

/**
 * A validated archive written to a staging directory inside the data directory (same filesystem, so
 * applying is a set of renames), with every database checked by SQLite itself (`quick_check`, and
 * the core schema no newer than this release) — still nothing of the box replaced. `apply()` runs
 * while the box is stopped (between the stop and the start of a restart): the current databases,
 * state files and plugins directory move to `<dataDir>/before-restore/` (replacing an older one),
 * the staged ones take their place.
 */
export class RestorePlan {
  private constructor(
    private readonly t: RestoreTargets,
    private readonly dir: string,
    private readonly parts: readonly BackupPart[],
    readonly summary: RestoreSummary,
  ) {}

  static stage(manifest: BackupManifest, parts: readonly BackupPart[], t: RestoreTargets): RestorePlan {
    const dir = join(t.dataDir, `.restore-${randomBytes(6).toString('hex')}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    try {
      for (const p of parts) {
        const file = join(dir, ...p.path.split('/'));
        mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
        writeFileSync(file, p.data, { mode: 0o600, flag: 'wx' });
      }
      for (const p of parts.filter((x) => x.kind === 'core-db' || x.kind === 'plugin-db')) checkDatabase(join(dir, ...p.path.split('/')), p.path, p.kind === 'core-db' ? t.coreSchema : undefined);
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    const configFiles = parts.filter((p) => p.kind === 'config').length;
    const summary: RestoreSummary = {
      createdAt: manifest.createdAt,
      xliveVersion: manifest.xliveVersion,
      databases: parts.filter((p) => p.kind === 'core-db' || p.kind === 'plugin-db').map((p) => p.path),
      stateFiles: parts.filter((p) => p.kind === 'plugin-file').length,
      configFiles,
      configTarget: configFiles === 0 ? 'none' : writable(t.configDir) ? 'applied' : 'staged',
      externalPluginFiles: parts.filter((p) => p.kind === 'external-plugin').length,
    };
    return new RestorePlan(t, dir, parts, summary);
  }

  /** Put the staged state in place. Only while the box is stopped. */
  apply(log: Logger): void {
    const { dataDir } = this.t;
    const before = join(dataDir, BEFORE_RESTORE);
    rmSync(before, { recursive: true, force: true });
    mkdirSync(before, { recursive: true, mode: 0o700 });
    const staged = (path: string) => join(this.dir, ...path.split('/'));
    const keep = (file: string, as: string) => {
      if (!existsSync(file)) return;
      mkdirSync(dirname(join(before, as)), { recursive: true, mode: 0o700 });
      move(file, join(before, as));
    };

    // Databases: the old file and its -wal/-shm aside (a stale WAL would be replayed into the new file).
    const pluginDataRoot = join(dataDir, 'plugin-data');
    keepDatabase(join(dataDir, 'xlive.db'), 'xlive.db', keep);
    for (const p of this.parts) {
      if (p.kind === 'core-db') move(staged(p.path), join(dataDir, 'xlive.db'));
    }
    // Each plugin in the archive: its database (and -wal/-shm) aside, then the archive's database
    // and state files in place; its other files (recordings, caches) stay as they are.
    const owners = new Set(this.parts.filter((p) => p.kind === 'plugin-db' || p.kind === 'plugin-file').map((p) => p.path.split('/')[p.kind === 'plugin-db' ? 2 : 1]!.replace(/\.db$/, '')));
    for (const owner of owners) {
      const dir = join(pluginDataRoot, owner);
      keepDatabase(join(dir, `${owner}.db`), `plugin-data/${owner}/${owner}.db`, keep);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    }
    for (const p of this.parts) {
      if (p.kind === 'plugin-db') {
        const owner = p.path.slice('db/plugins/'.length, -'.db'.length);
        move(staged(p.path), join(pluginDataRoot, owner, `${owner}.db`));
      } else if (p.kind === 'plugin-file') {
        const target = join(pluginDataRoot, ...p.path.split('/').slice(1));
        keep(target, p.path);
        move(staged(p.path), target);
      }
    }

    const configs = this.parts.filter((p) => p.kind === 'config');
    if (configs.length > 0) {
      const target = this.summary.configTarget === 'applied' ? this.t.configDir : join(dataDir, 'restored-config');
      mkdirSync(target, { recursive: true, mode: 0o700 });
      for (const p of configs) {
        const file = join(target, p.path.slice('config/'.length));
        keep(file, p.path);
        move(staged(p.path), file);
      }
      if (this.summary.configTarget === 'staged') log.warn(`restore: ${this.t.configDir} is read-only; the backup's config files are in ${target} (copy them there on the console)`);
    }

    if (this.parts.some((p) => p.kind === 'external-plugin')) {
      keep(this.t.pluginsDir, 'plugins');
      move(join(this.dir, 'plugins'), this.t.pluginsDir);
    }
    rmSync(this.dir, { recursive: true, force: true });
    log.info(`restore applied (backup of ${this.summary.createdAt}); the previous state is in ${before}`);
  }

  /** Drop the staged files (a restore that will not happen). */
  discard(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function keepDatabase(file: string, as: string, keep: (file: string, as: string) => void): void {
  keep(file, as);
  for (const side of ['-wal', '-shm', '-journal']) {
    if (existsSync(file + side)) keep(file + side, as + side);
  }
}

/** Rename, or copy and remove across filesystems (a plugins directory on another mount). */
function move(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true, mode: 0o700 });
  try {
    renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    cpSync(from, to, { recursive: true });
    rmSync(from, { recursive: true, force: true });
  }
}

function writable(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** SQLite's own verdict on a staged database, and its core schema version against this release's. */
function checkDatabase(file: string, path: string, coreSchema: number | undefined): void {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const r = db.prepare('PRAGMA quick_check').get() as { quick_check: string } | undefined;
    if (r?.quick_check !== 'ok') throw new Error(r?.quick_check ?? 'no answer');
    if (coreSchema !== undefined) {
      const row = db.prepare("SELECT max(version) AS v FROM schema_migrations WHERE owner = 'core'").get() as { v: number | null };
      if ((row.v ?? 0) > coreSchema) {
        throw new BackupIncompatibleError(`the backup's core database has schema version ${row.v}, newer than this xlive knows (${coreSchema}): upgrade this box first`);
      }
    }
  } catch (err) {
    if (err instanceof BackupIncompatibleError) throw err;
    throw new BackupInvalidError(`${path} in the archive is not a sound SQLite database: ${(err as Error).message}`, { cause: err, details: { entry: path } });
  } finally {
    db?.close();
  }
}
