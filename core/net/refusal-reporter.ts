import type { Logger } from '../logging/logger.js';
import type { Counter } from '../sdk/metrics.js';
import type { EventInit } from '../sdk/events.js';
import type { RefusalReason, RefusalSink } from './connection-guard.js';

export interface RefusalReporterDeps {
  counter: Counter<'listener' | 'reason'>;
  record(event: EventInit): void;
  log: Logger;
  now?: () => number;
  /** One event (and log line) per listener + reason + address per this many ms (default 60 s). */
  intervalMs?: number;
  /** Distinct listener + reason + address keys remembered (oldest forgotten first). */
  maxKeys?: number;
  /** Events recorded per interval in all (a flood from many addresses must not flood the event log). */
  maxEventsPerInterval?: number;
}

const WHAT: Record<RefusalReason, string> = {
  'idle-per-ip': 'idle connections closed: too many idle from this address',
  'idle-total': 'idle connections closed: too many idle in total',
  'per-ip': 'connections refused: too many in use from this address',
  total: 'connections refused: the listener is at its limit',
};

/**
 * Counts every eviction/refusal in `xlive_connections_refused_total{listener,reason}` and records a
 * `connection.refused` event, at most one per listener + reason + address per minute (a flood makes
 * thousands per second), carrying how many happened since the last one, and at most 30 a minute in
 * all (the rest are summed into the next one recorded).
 */
export class RefusalReporter implements RefusalSink {
  private readonly pending = new Map<string, { at: number; count: number }>();
  private readonly now: () => number;
  private readonly intervalMs: number;
  private readonly maxKeys: number;
  private readonly maxEvents: number;
  private window = { start: Number.NEGATIVE_INFINITY, events: 0, suppressed: 0 };

  constructor(private readonly deps: RefusalReporterDeps) {
    this.now = deps.now ?? Date.now;
    this.intervalMs = deps.intervalMs ?? 60_000;
    this.maxKeys = deps.maxKeys ?? 1024;
    this.maxEvents = deps.maxEventsPerInterval ?? 30;
  }

  refused(listener: string, reason: RefusalReason, clientKey: string, limit: number): void {
    this.deps.counter.inc({ listener, reason });
    const key = `${listener}|${reason}|${clientKey}`;
    const t = this.now();
    const seen = this.pending.get(key);
    if (seen && t - seen.at < this.intervalMs) {
      seen.count++;
      return;
    }
    const count = (seen?.count ?? 0) + 1;
    this.pending.delete(key);
    this.pending.set(key, { at: t, count: 0 });
    while (this.pending.size > this.maxKeys) this.pending.delete(this.pending.keys().next().value!);
    if (t - this.window.start >= this.intervalMs) this.window = { start: t, events: 0, suppressed: this.window.suppressed };
    if (this.window.events >= this.maxEvents) {
      this.window.suppressed += count;
      return;
    }
    this.window.events++;
    const suppressed = this.window.suppressed;
    this.window.suppressed = 0;
    const more = suppressed > 0 ? `; ${suppressed} more from other addresses not recorded` : '';
    const message = `${listener}: ${count} ${WHAT[reason]} (${clientKey}, limit ${limit})${more}`;
    this.deps.log.warn(message);
    this.deps.record({ type: 'connection.refused', severity: 'warn', message, data: { listener, reason, client: clientKey, count, limit, suppressed } });
  }
}
