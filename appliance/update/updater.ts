import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describeError } from '../../core/errors/xlive-error.js';
import type { Logger } from '../../core/logging/logger.js';
import type { DebControl } from './deb-tools.js';
import type { GateResult } from './readiness-gate.js';
import type { JournalEntry, UpdateJournal } from './update-journal.js';
import type { UpdateSpool } from './update-spool.js';

export const PACKAGE = 'xlive';

/** What the updater does to the system; real implementations in updater-main.ts. */
export interface UpdaterSystem {
  readControl(deb: string): Promise<DebControl>;
  installedVersion(): Promise<string | undefined>;
  hostArchitecture(): Promise<string>;
  isNewer(candidate: string, installed: string): Promise<boolean>;
  /** Rebuild the installed version as a .deb (the rollback target when no earlier update left one). */
  repackInstalled(outFile: string): Promise<void>;
  install(deb: string): Promise<{ ok: boolean; output: string }>;
  stopService(): Promise<void>;
  startService(): Promise<{ ok: boolean; error: string }>;
  waitReady(version: string): Promise<GateResult>;
  snapshotData(dest: string): { files: number; bytes: number };
  restoreData(src: string): { files: number; removed: number };
}

export interface UpdaterOptions {
  spool: UpdateSpool;
  journal: UpdateJournal;
  /** Root-only directory: the packages kept for rollback, the database snapshot. */
  workDir: string;
  maxBytes: number;
  /** Allow a package that is not newer than the installed one (a deliberate downgrade). */
  allowDowngrade?: boolean;
  system: UpdaterSystem;
  log: Logger;
}

/**
 * One update, as an A/B switch confirmed by health: keep the running version as a package, stop the
 * service, snapshot its databases, install the new package (its postinst restarts the service, which
 * migrates at start), and wait for it to become ready and stay so. If it does not, put the snapshot
 * back and reinstall the kept package — the old code never runs on a newer schema. Every step is in
 * the journal, from which the service records events.
 */
export class Updater {
  constructor(private readonly o: UpdaterOptions) {}

  /** The package the current version was installed from (kept after each successful update). */
  get installedDeb(): string {
    return join(this.o.workDir, 'installed.deb');
  }

  /** Handle every queued request, oldest first. */
  async runPending(): Promise<JournalEntry[]> {
    const done: JournalEntry[] = [];
    for (const id of this.o.spool.pending()) done.push(await this.runOne(id));
    return done;
  }

  async runOne(id: string): Promise<JournalEntry> {
    const { journal, system, log } = this.o;
    let deb: string;
    let by = 'unknown';
    try {
      const taken = this.o.spool.take(id, this.o.workDir, this.o.maxBytes);
      deb = taken.deb;
      by = taken.request.source === 'console' ? 'console' : taken.request.by;
    } catch (err) {
      return journal.append({ id, step: 'refused', by, message: describeError(err) });
    }
    try {
      return await this.update(id, deb, by);
    } catch (err) {
      log.error(`update ${id}: ${describeError(err)}`);
      return journal.append({ id, step: 'rollback-failed', by, message: `the updater failed: ${describeError(err)}; check "systemctl status xlive" and the journal` });
    } finally {
      rmSync(deb, { force: true });
    }
  }

  private async update(id: string, deb: string, by: string): Promise<JournalEntry> {
    const { journal, system, log } = this.o;
    let control: DebControl;
    try {
      control = await system.readControl(deb);
    } catch (err) {
      return journal.append({ id, step: 'refused', by, message: describeError(err) });
    }
    const to = control.version;
    journal.append({ id, step: 'received', by, to, message: `package ${control.package} ${to} (${control.architecture})` });
    const arch = await system.hostArchitecture();
    if (control.package !== PACKAGE) return journal.append({ id, step: 'refused', by, to, message: `the package is ${control.package}, not ${PACKAGE}` });
    if (control.architecture !== arch && control.architecture !== 'all') {
      return journal.append({ id, step: 'refused', by, to, message: `the package is for ${control.architecture}; this box is ${arch}` });
    }
    const from = await system.installedVersion();
    if (!from) return journal.append({ id, step: 'refused', by, to, message: `${PACKAGE} is not installed as a package here; install it with dpkg or apt first` });
    if (!this.o.allowDowngrade && !(await system.isNewer(to, from))) {
      return journal.append({ id, step: 'refused', by, from, to, message: `${to} is not newer than the installed ${from}` });
    }

    // The rollback target: the package of the last update when it is the installed version, else rebuilt.
    const previous = join(this.o.workDir, `previous.deb`);
    try {
      const kept = existsSync(this.installedDeb) ? await system.readControl(this.installedDeb).catch(() => undefined) : undefined;
      if (kept?.version === from) renameSync(this.installedDeb, previous);
      else await system.repackInstalled(previous);
    } catch (err) {
      return journal.append({ id, step: 'refused', by, from, to, message: `cannot keep ${from} for a rollback, so not updating: ${describeError(err)}` });
    }

    journal.append({ id, step: 'installing', by, from, to, message: `stopping ${from}, saving its databases, installing ${to}` });
    const snapshot = join(this.o.workDir, 'data-snapshot');
    await system.stopService();
    const saved = system.snapshotData(snapshot);
    log.info(`update ${id}: ${saved.files} database files (${saved.bytes} bytes) saved`);

    const installed = await system.install(deb);
    let failure: string | undefined;
    if (!installed.ok) failure = `dpkg could not install ${to}: ${tail(installed.output)}`;
    else {
      const started = await system.startService(); // postinst restarted it; this waits for it and re-arms a start limit
      const gate = await system.waitReady(to);
      if (gate.ok) {
        renameSync(deb, this.installedDeb);
        rmSync(previous, { force: true });
        return journal.append({ id, step: 'succeeded', by, from, to, message: `${to} is serving (ready after ${Math.round(gate.afterMs / 1000)} s); ${from} was replaced` });
      }
      failure = started.ok ? gate.reason : `${gate.reason} (systemctl start: ${started.error})`;
    }

    journal.append({ id, step: 'failed', by, from, to, message: `${to} failed: ${failure}; rolling back to ${from}` });
    await system.stopService();
    const restored = system.restoreData(snapshot);
    const back = await system.install(previous);
    if (!back.ok) {
      return journal.append({ id, step: 'rollback-failed', by, from, to, message: `reinstalling ${from} failed: ${tail(back.output)}; the package is kept at ${previous}` });
    }
    await system.startService();
    const gate = await system.waitReady(from);
    if (!gate.ok) {
      return journal.append({ id, step: 'rollback-failed', by, from, to, message: `${from} is reinstalled with its databases, but it is not ready: ${gate.reason}` });
    }
    renameSync(previous, this.installedDeb);
    return journal.append({
      id,
      step: 'rolled-back',
      by,
      from,
      to,
      message: `${to} did not become ready (${failure}); ${from} is serving again with its ${restored.files} database files as they were before the update`,
    });
  }
}

function tail(s: string): string {
  return s.split('\n').slice(-5).join(' | ').slice(0, 800);
}
