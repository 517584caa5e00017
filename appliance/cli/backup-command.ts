import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../../core/config/config-loader.js';
import { configDirOf } from '../../core/config/file-layers.js';
import { ConflictError } from '../../core/errors/xlive-error.js';
import { silentLogger, type Logger } from '../../core/logging/logger.js';
import { backupDatabase, closeDatabase, existingPluginDatabases, openDatabase } from '../../core/store/index.js';
import { newestCoreSchema, openStateDatabase } from '../composition-root.js';
import { collectBackup } from '../system/backup-collector.js';
import { RestorePlan } from '../system/restore-plan.js';
import { unpackBackup } from '../../core/backup/backup-archive.js';
import { readBuildInfo } from '../build-info.js';
import { parseCommandArgs, type CliIo } from './cli-args.js';

export const BACKUP_USAGE = `usage: xlive backup FILE [--overwrite] [--db-only]
  one archive (tar.gz, mode 0600) of the databases (online backup, safe while xlive runs), the config
  files, plugin state files and external plugins; nothing is written when FILE exists.
  --overwrite  replace FILE
  --db-only    only the databases: the core one to FILE, each plugin's to FILE.<id>.db
`;
export const RESTORE_USAGE = `usage: xlive restore FILE
  validate a backup archive completely, then put it in place (stop xlive first, or restart it after);
  the previous state is kept in <dataDir>/before-restore
`;

/** Where the backup of plugin `owner`'s database goes, beside the core backup `file` (`--db-only`). */
export function pluginBackupFile(file: string, owner: string): string {
  return `${file}.${owner}.db`;
}

/**
 * `xlive backup FILE [--overwrite] [--db-only]`: the same archive as `GET /api/v1/system/backup`
 * (databases by SQLite online backup — safe while the service runs —, config files, plugin state
 * files such as auth-local's jwt-secret, external plugins), written 0600; nothing is written when
 * FILE exists (unless --overwrite). `--db-only`: the older form, the core database to FILE and each
 * plugin database to FILE.<id>.db.
 */
export async function backupCommand(args: readonly string[], io: CliIo): Promise<number> {
  const a = parseCommandArgs(args, io, BACKUP_USAGE, { overwrite: { type: 'boolean', default: false }, 'db-only': { type: 'boolean', default: false } }, { min: 1, max: 1 });
  if (!a) return 0;
  const file = a.positionals[0]!;
  const overwrite = a.values['overwrite'] === true;
  if (a.values['db-only'] === true) return databasesOnly(file, overwrite, io);
  const config = loadConfig({ cwd: io.cwd, env: io.env });
  const v = config.values;
  const dest = resolve(io.cwd, file);
  if (!overwrite && existsSync(dest)) throw new ConflictError(`backup file ${dest} already exists; choose another name or pass --overwrite`, { details: { files: [dest] } });
  const log = cliLog(io);
  const { db } = openStateDatabase(v, silentLogger());
  try {
    const { archive, manifest } = await collectBackup({
      core: db,
      dataDir: v.dataDir,
      configDir: configDirOf(io.cwd, io.env),
      pluginsDir: v.pluginsDir,
      xliveVersion: readBuildInfo().version,
      maxBytes: v.backup.maxBytes,
      log,
    });
    placePrivate(dest, archive, overwrite);
    io.out.write(`backup written to ${dest} (${manifest.entries.length} files, ${archive.length} bytes)\n`);
  } finally {
    closeDatabase(db, silentLogger());
  }
  return 0;
}

/**
 * `xlive restore FILE`: validate the archive completely (format, version, checksums, paths, SQLite's
 * own check of every database) before anything is replaced, then put it in place. Run it with the
 * service stopped (or restart it right after): `systemctl stop xlive; xlive restore FILE; systemctl start xlive`.
 */
export async function restoreCommand(args: readonly string[], io: CliIo): Promise<number> {
  const a = parseCommandArgs(args, io, RESTORE_USAGE, {}, { min: 1, max: 1 });
  if (!a) return 0;
  const file = a.positionals[0]!;
  const config = loadConfig({ cwd: io.cwd, env: io.env });
  const v = config.values;
  const archive = readFileSync(resolve(io.cwd, file));
  const { manifest, parts } = unpackBackup(archive, { maxUnpackedBytes: v.backup.maxBytes, maxEntries: 100_000, coreSchema: newestCoreSchema() });
  const plan = RestorePlan.stage(manifest, parts, { dataDir: v.dataDir, configDir: configDirOf(io.cwd, io.env), pluginsDir: v.pluginsDir, coreSchema: newestCoreSchema() });
  plan.apply(cliLog(io));
  const s = plan.summary;
  io.out.write(
    `restored the backup of ${s.createdAt} (xlive ${s.xliveVersion}): ${s.databases.length} databases, ${s.stateFiles} state files, ` +
      `${s.configFiles} config files (${s.configTarget}), ${s.externalPluginFiles} plugin files; the previous state is in ${resolve(v.dataDir, 'before-restore')}.\n` +
      'Start (or restart) xlive now.\n',
  );
  return 0;
}

async function databasesOnly(file: string, overwrite: boolean, io: CliIo): Promise<number> {
  const config = loadConfig({ cwd: io.cwd, env: io.env });
  const log = silentLogger();
  const dest = resolve(io.cwd, file);
  const plugins = existingPluginDatabases(config.values.dataDir).map((p) => ({ ...p, dest: pluginBackupFile(dest, p.owner) }));
  if (!overwrite) {
    const taken = [dest, ...plugins.map((p) => p.dest)].filter((f) => existsSync(f));
    if (taken.length > 0) {
      throw new ConflictError(`backup file ${taken.join(', ')} already exists; choose another name or pass --overwrite`, { details: { files: taken } });
    }
  }
  const { db } = openStateDatabase(config.values, log);
  try {
    await backupDatabase(db, dest, { overwrite });
  } finally {
    closeDatabase(db, log);
  }
  io.out.write(`backup written to ${dest}\n`);
  for (const p of plugins) {
    const pdb = openDatabase(p.file, log);
    try {
      await backupDatabase(pdb, p.dest, { overwrite });
    } finally {
      closeDatabase(pdb, log);
    }
    io.out.write(`backup of plugin ${p.owner} written to ${p.dest}\n`);
  }
  return 0;
}

/** Write `data` to `dest` with mode 0600: to a temporary name first, then linked (or, with overwrite, renamed) into place. */
function placePrivate(dest: string, data: Buffer, overwrite: boolean): void {
  const tmp = `${dest}.partial-${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, data, { mode: 0o600, flag: 'wx' });
  try {
    if (overwrite) renameSync(tmp, dest);
    else {
      try {
        linkSync(tmp, dest);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new ConflictError(`backup file ${dest} already exists; choose another name or pass --overwrite`);
        throw err;
      }
    }
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Warnings (files left out of a backup) go to stderr. */
function cliLog(io: CliIo): Logger {
  const write = (level: string) => (msg: string) => void io.err.write(`xlive: ${level}: ${msg}\n`);
  const log: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: write('warning'),
    error: write('error'),
    child: () => log,
    isLevelEnabled: (l) => l === 'warn' || l === 'error',
  };
  return log;
}
