import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../../core/config/config-loader.js';
import { ConflictError } from '../../core/errors/xlive-error.js';
import { silentLogger } from '../../core/logging/logger.js';
import { backupDatabase, closeDatabase, existingPluginDatabases, openDatabase } from '../../core/store/index.js';
import { openStateDatabase } from '../composition-root.js';
import type { CliIo } from './run-cli.js';

/** Where the backup of plugin `owner`'s database goes, beside the core backup `file`. */
export function pluginBackupFile(file: string, owner: string): string {
  return `${file}.${owner}.db`;
}

/**
 * Online backup (safe while the service runs) of the core database to `FILE` and of every plugin
 * database (`<dataDir>/plugin-data/<id>/<id>.db`) to `FILE.<id>.db` beside it; every file is a
 * checked, self-contained SQLite file with mode 0600. Nothing is written when any target exists
 * (unless --overwrite). Restore: stop xlive, copy `FILE` to `<dataDir>/xlive.db` and each
 * `FILE.<id>.db` to `<dataDir>/plugin-data/<id>/<id>.db`, removing any -wal/-shm beside them.
 */
export async function backupCommand(file: string, overwrite: boolean, io: CliIo): Promise<number> {
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
