import { unpackBackup, type BackupManifest } from '../../core/backup/backup-archive.js';
import { ConflictError } from '../../core/errors/xlive-error.js';
import type { Logger } from '../../core/logging/logger.js';
import type { EventInit } from '../../core/sdk/events.js';
import type { SqliteDatabase } from '../../core/store/index.js';
import { collectBackup } from './backup-collector.js';
import type { RestartControl } from './restart-control.js';
import { RestorePlan, type RestoreSummary, type RestoreTargets } from './restore-plan.js';

export interface Who {
  actor: string;
  ip: string;
}

export interface SystemServiceDeps {
  /** Absent when the box was not started by `xlive serve` (nothing could start it again). */
  restarts: RestartControl | undefined;
  events: { record(source: string, init: EventInit): unknown };
  core: SqliteDatabase;
  targets: RestoreTargets;
  xliveVersion: string;
  /** backup.maxBytes: the largest archive made or taken (unpacked). */
  maxBytes: number;
  log: Logger;
}

/** Restart, backup and restore of the running box, each recorded in the event log with who did it. */
export class SystemService {
  constructor(private readonly d: SystemServiceDeps) {}

  restart(who: Who, reason = 'requested through the API'): void {
    const control = this.control();
    const ok = control.request({ actor: who.actor, reason });
    if (!ok) throw new ConflictError('a restart is already under way');
    this.d.events.record('core', { type: 'system.restart', severity: 'warn', message: `restart requested by ${who.actor}: ${reason}`, data: { ...who, reason } });
    this.d.log.warn(`restart requested by ${who.actor} (${who.ip}): ${reason}`);
  }

  async backup(who: Who): Promise<{ archive: Buffer; manifest: BackupManifest }> {
    const r = await collectBackup({
      core: this.d.core,
      dataDir: this.d.targets.dataDir,
      configDir: this.d.targets.configDir,
      pluginsDir: this.d.targets.pluginsDir,
      xliveVersion: this.d.xliveVersion,
      maxBytes: this.d.maxBytes,
      log: this.d.log,
    });
    this.d.events.record('core', {
      type: 'system.backup',
      message: `backup taken by ${who.actor} (${r.manifest.entries.length} files, ${r.archive.length} bytes)`,
      data: { ...who, entries: r.manifest.entries.length, bytes: r.archive.length },
    });
    return r;
  }

  /**
   * Validate the archive completely and stage it (nothing replaced yet), then restart with the
   * staged state put in place while the box is stopped. Throws BackupInvalidError /
   * BackupIncompatibleError (nothing changed), ConflictError when a restart is already under way.
   */
  restore(archive: Buffer, who: Who): RestoreSummary {
    const control = this.control();
    if (control.isPending) throw new ConflictError('a restart is already under way');
    const { manifest, parts } = unpackBackup(archive, { maxUnpackedBytes: this.d.maxBytes, maxEntries: 100_000, coreSchema: this.d.targets.coreSchema });
    const plan = RestorePlan.stage(manifest, parts, this.d.targets);
    const announce: EventInit = {
      type: 'system.restored',
      severity: 'warn',
      message: `restored the backup of ${manifest.createdAt} (xlive ${manifest.xliveVersion}), requested by ${who.actor}`,
      data: { ...who, createdAt: manifest.createdAt, xliveVersion: manifest.xliveVersion, config: plan.summary.configTarget },
    };
    const ok = control.request({ actor: who.actor, reason: 'restore', whileStopped: () => plan.apply(this.d.log), announce });
    if (!ok) {
      plan.discard();
      throw new ConflictError('a restart is already under way');
    }
    this.d.events.record('core', { type: 'system.restore', severity: 'warn', message: `restore requested by ${who.actor}; restarting`, data: { ...who, createdAt: manifest.createdAt } });
    return plan.summary;
  }

  private control(): RestartControl {
    if (!this.d.restarts) throw new ConflictError('this box cannot restart itself: it was not started by `xlive serve`');
    return this.d.restarts;
  }
}
