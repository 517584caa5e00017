/**
 * xlive-update.service (root, oneshot; started by xlive-update.path when a request lands in the spool,
 * or by `xlive update`): installs each queued package with a health-gated rollback (updater.ts).
 * Only static imports: dpkg replaces the files this process was loaded from while it runs.
 */
import { chmodSync, chownSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../core/config/config-loader.js';
import { describeError } from '../../core/errors/xlive-error.js';
import { SinkLogger, streamSink } from '../../core/logging/logger.js';
import { compareVersions, hostArchitecture, installDeb, installedVersion, readDebControl, run, serviceGid } from './deb-tools.js';
import { restoreDatabases, snapshotDatabases } from './data-snapshot.js';
import { SystemdUnit, waitUntilReady } from './readiness-gate.js';
import { repackInstalled } from './repack-installed.js';
import { UpdateJournal } from './update-journal.js';
import { journalFileOf, READY_FILE, spoolDirOf } from './update-paths.js';
import { UpdateSpool } from './update-spool.js';
import { PACKAGE, Updater } from './updater.js';

async function main(): Promise<number> {
  const config = loadConfig({ cwd: '/', env: process.env }).values;
  const log = new SinkLogger(streamSink(config.log.format), config.log.level).child('update');
  const stateDir = config.update.stateDir;
  if (!stateDir) {
    log.error('update.stateDir is not set: this box does not update itself');
    return 1;
  }
  const gid = await serviceGid();
  mkdirSync(stateDir, { recursive: true });
  chownSync(stateDir, 0, gid ?? 0);
  chmodSync(stateDir, 0o750);
  const workDir = join(stateDir, 'work');
  mkdirSync(workDir, { recursive: true, mode: 0o700 });
  chmodSync(workDir, 0o700);

  const unit = new SystemdUnit('xlive.service');
  const updater = new Updater({
    spool: new UpdateSpool(spoolDirOf(config.dataDir)),
    journal: new UpdateJournal(journalFileOf(stateDir), gid),
    workDir,
    maxBytes: config.update.maxUploadBytes,
    allowDowngrade: process.env['XLIVE_UPDATE_ALLOW_DOWNGRADE'] === '1',
    log,
    system: {
      readControl: readDebControl,
      installedVersion: () => installedVersion(PACKAGE),
      hostArchitecture,
      isNewer: (a, b) => compareVersions(a, 'gt', b),
      repackInstalled: async (out) => {
        await repackInstalled(PACKAGE, out, { tmpDir: workDir });
      },
      install: installDeb,
      stopService: () => unit.stop(),
      startService: () => unit.start(),
      waitReady: (version) =>
        waitUntilReady({ version, readyFile: join(config.runtimeDir, READY_FILE), unit, timeoutMs: config.update.readyTimeoutMs, settleMs: config.update.settleMs }),
      snapshotData: (dest) => snapshotDatabases(config.dataDir, dest),
      restoreData: (src) => restoreDatabases(config.dataDir, src),
    },
  });
  const done = await updater.runPending();
  for (const e of done) log.info(`update ${e.id}: ${e.step}: ${e.message}`);
  return done.some((e) => e.step === 'rollback-failed') ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (err) {
  process.stderr.write(`xlive-update: ${describeError(err)}\n`);
  process.exitCode = 1;
}
