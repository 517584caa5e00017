import { resolve } from 'node:path';
import { loadConfig } from '../../core/config/config-loader.js';
import { silentLogger } from '../../core/logging/logger.js';
import { backupDatabase, closeDatabase } from '../../core/store/index.js';
import { openStateDatabase } from '../composition-root.js';
import type { CliIo } from './run-cli.js';

/** Online backup of the SQLite database (safe while the service runs). */
export async function backupCommand(file: string, overwrite: boolean, io: CliIo): Promise<number> {
  const config = loadConfig({ cwd: io.cwd, env: io.env });
  const log = silentLogger();
  const { db } = openStateDatabase(config.values, log);
  const dest = resolve(io.cwd, file);
  try {
    await backupDatabase(db, dest, { overwrite });
  } finally {
    closeDatabase(db, log);
  }
  io.out.write(`backup written to ${dest}\n`);
  return 0;
}
