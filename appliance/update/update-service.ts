import { existsSync, statSync } from 'node:fs';
import type { EventLog } from '../../core/events/event-log.js';
import { describeError, NotFoundError, UpdateUnsupportedError } from '../../core/errors/xlive-error.js';
import type { Logger } from '../../core/logging/logger.js';
import type { EventSeverity } from '../../core/sdk/events.js';
import type { PluginKvRepository } from '../../core/store/plugin-kv-repository.js';
import { isFinal, UpdateJournal, type JournalEntry, type UpdateStep } from './update-journal.js';
import { journalFileOf, spoolDirOf } from './update-paths.js';
import { isRequestId, UpdateSpool, type UpdateRequest } from './update-spool.js';

const KV_OWNER = 'core';
const KV_SEEN = 'update.journalSeq';

export interface UpdateStatus {
  id: string;
  /** `queued` until the updater takes it, then its last step. */
  state: 'queued' | UpdateStep;
  final: boolean;
  from: string | null;
  to: string | null;
  by: string | null;
  steps: { at: string; step: UpdateStep; message: string }[];
}

export interface UpdateServiceOptions {
  /** `update.stateDir`; empty: this box does not update itself. */
  stateDir: string;
  dataDir: string;
  maxUploadBytes: number;
  kv: Pick<PluginKvRepository, 'get' | 'set'>;
  events: Pick<EventLog, 'record'>;
  log: Logger;
  pollMs?: number;
}

const SEVERITY: Record<UpdateStep, EventSeverity> = {
  received: 'info',
  refused: 'warn',
  installing: 'info',
  succeeded: 'info',
  failed: 'error',
  'rolled-back': 'warn',
  'rollback-failed': 'error',
};

/**
 * The service's side of updates: takes packages into the spool (API and console), answers their
 * status from the root updater's journal, and records every journal step as an event (`update.*`).
 * The last step it recorded is kept in the database; a rollback restores an older database, so the
 * steps after the snapshot are recorded again — the timeline ends up complete either way.
 */
export class UpdateService {
  readonly spool: UpdateSpool;
  private readonly journal: UpdateJournal | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastStamp: string | undefined;

  constructor(private readonly o: UpdateServiceOptions) {
    this.spool = new UpdateSpool(spoolDirOf(o.dataDir));
    this.journal = o.stateDir ? new UpdateJournal(journalFileOf(o.stateDir)) : undefined;
  }

  /** The package installed this box (its updater's state directory exists). */
  get supported(): boolean {
    return !!this.o.stateDir && existsSync(this.o.stateDir);
  }

  async submit(body: AsyncIterable<Uint8Array>, by: string, source: 'api' | 'console'): Promise<UpdateRequest> {
    if (!this.supported) {
      throw new UpdateUnsupportedError(
        this.o.stateDir
          ? `the updater's directory ${this.o.stateDir} does not exist: reinstall the xlive package (it creates it)`
          : 'this box was not installed from the xlive Debian package, so it cannot update itself (update.stateDir is not set); install the package, or update the checkout with git',
      );
    }
    const r = await this.spool.submit(body, { by, source }, this.o.maxUploadBytes);
    this.o.log.info(`update ${r.id} queued by ${r.by}: ${r.bytes} bytes, sha256 ${r.sha256}`);
    return r;
  }

  status(id: string): UpdateStatus {
    if (!isRequestId(id)) throw new NotFoundError(`no update ${JSON.stringify(id.slice(0, 40))}`);
    const steps = this.journal?.stepsOf(id) ?? [];
    if (steps.length === 0) {
      if (this.spool.isQueued(id)) return { id, state: 'queued', final: false, from: null, to: null, by: null, steps: [] };
      throw new NotFoundError(`no update ${id}`);
    }
    return summarize(id, steps);
  }

  /** Every update still in the journal, newest first. */
  list(): UpdateStatus[] {
    const byId = new Map<string, JournalEntry[]>();
    for (const e of this.journal?.entries() ?? []) byId.set(e.id, [...(byId.get(e.id) ?? []), e]);
    const out = [...byId.entries()].map(([id, steps]) => summarize(id, steps));
    for (const id of this.spool.pending()) if (!byId.has(id)) out.push({ id, state: 'queued', final: false, from: null, to: null, by: null, steps: [] });
    return out.sort((a, b) => (a.id < b.id ? 1 : -1));
  }

  /** Record journal steps not yet recorded as events; returns how many. */
  syncEvents(): number {
    if (!this.journal) return 0;
    // The journal changes only during an update: skip reading it while its size and time stay the same.
    const stamp = fileStamp(this.journal.file);
    if (stamp === this.lastStamp) return 0;
    this.lastStamp = stamp;
    let entries: JournalEntry[];
    try {
      entries = this.journal.entries();
    } catch (err) {
      this.o.log.warn(`cannot read the update journal: ${describeError(err)}`);
      return 0;
    }
    const seen = Number(this.o.kv.get(KV_OWNER, KV_SEEN) ?? 0);
    let n = 0;
    for (const e of entries) {
      if (e.seq <= seen) continue;
      this.o.events.record('core', {
        type: `update.${e.step}`,
        severity: SEVERITY[e.step] ?? 'info',
        message: `${e.from ? `update ${e.from} → ${e.to ?? '?'}` : `update to ${e.to ?? 'an unread package'}`}: ${e.message}`,
        data: { id: e.id, step: e.step, from: e.from ?? null, to: e.to ?? null, by: e.by ?? null, at: e.at },
      });
      this.o.kv.set(KV_OWNER, KV_SEEN, e.seq);
      n++;
    }
    return n;
  }

  start(): void {
    if (!this.journal) return;
    this.syncEvents();
    this.timer = setInterval(() => this.syncEvents(), this.o.pollMs ?? 5000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

function fileStamp(path: string): string {
  try {
    const st = statSync(path);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

function summarize(id: string, steps: JournalEntry[]): UpdateStatus {
  const last = steps.at(-1)!;
  const pick = (k: 'from' | 'to' | 'by') => steps.map((s) => s[k]).filter((v): v is string => !!v).at(-1) ?? null;
  return {
    id,
    state: last.step,
    final: isFinal(last.step),
    from: pick('from'),
    to: pick('to'),
    by: pick('by'),
    steps: steps.map((s) => ({ at: s.at, step: s.step, message: s.message })),
  };
}
