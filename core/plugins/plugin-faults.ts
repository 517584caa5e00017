import { PluginError } from '../errors/xlive-error.js';
import type { Logger } from '../logging/logger.js';
import type { EventInit } from '../sdk/events.js';
import type { FaultSite, PluginFaultSummary } from '../sdk/faults.js';
import type { Counter, MetricsApi } from '../sdk/metrics.js';

export interface FaultLimits {
  /** Faults within `faultWindowMs` that make the plugin failed. */
  faultLimit: number;
  faultWindowMs: number;
  /** A callback holding the event loop longer than this is slow. */
  slowCallbackMs: number;
}

export const DEFAULT_FAULT_LIMITS: FaultLimits = { faultLimit: 10, faultWindowMs: 60_000, slowCallbackMs: 200 };

/** At most this many `plugin.fault` events and fault log lines per plugin per fault window; the rest are counted only. */
const REPORTS_PER_WINDOW = 5;

export interface PluginFaultsDeps {
  limits: FaultLimits;
  metrics: Pick<MetricsApi, 'counter'>;
  events: { record(source: string, init: EventInit): unknown };
  log: Logger;
  /** Monotonic milliseconds (injected for tests). */
  now?: () => number;
  /** Wall clock for the summaries. */
  wallClock?: () => Date;
}

/**
 * The host's book of plugin faults: one `FaultBoundary` per plugin, shared counters
 * (`xlive_plugin_faults_total{plugin,where}`, `xlive_plugin_slow_callbacks_total{plugin,where}`).
 */
export class PluginFaults {
  private readonly boundaries = new Map<string, FaultBoundary>();
  private readonly faultsTotal: Counter<'plugin' | 'where'>;
  private readonly slowTotal: Counter<'plugin' | 'where'>;
  readonly now: () => number;
  readonly wallClock: () => Date;

  constructor(readonly deps: PluginFaultsDeps) {
    this.now = deps.now ?? (() => performance.now());
    this.wallClock = deps.wallClock ?? (() => new Date());
    this.faultsTotal = deps.metrics.counter({ name: 'xlive_plugin_faults_total', help: 'Errors thrown or rejected by plugin callbacks, by plugin and where', labelNames: ['plugin', 'where'] as const });
    this.slowTotal = deps.metrics.counter({
      name: 'xlive_plugin_slow_callbacks_total',
      help: 'Plugin callbacks that held the event loop longer than pluginHost.slowCallbackMs, by plugin and where',
      labelNames: ['plugin', 'where'] as const,
    });
  }

  /** The boundary of plugin `id`; `onLimit` is called once when its faults pass the limit. */
  forPlugin(id: string, onLimit: (err: PluginError) => void): FaultBoundary {
    const b = new FaultBoundary(id, this, onLimit);
    this.boundaries.set(id, b);
    return b;
  }

  get(id: string): FaultBoundary | undefined {
    return this.boundaries.get(id);
  }

  /** @internal counters for the boundaries */
  countFault(plugin: string, where: FaultSite): void {
    this.faultsTotal.inc({ plugin, where });
  }
  /** @internal */
  countSlow(plugin: string, where: FaultSite): void {
    this.slowTotal.inc({ plugin, where });
  }
}

/**
 * One plugin's fault boundary: runs its callbacks timed, catches a synchronous throw and a rejected
 * returned promise, and charges them to the plugin. Log lines and events are rate-limited per window
 * so a plugin failing in a hot loop cannot flood the journal or the event log; the metric counts all.
 */
export class FaultBoundary {
  private total = 0;
  private slow = 0;
  private last: PluginFaultSummary['last'] = null;
  private lastSlow: PluginFaultSummary['lastSlow'] = null;
  /** Times of the recent faults (at most `faultLimit`). */
  private recent: number[] = [];
  private reportWindowStart = Number.NEGATIVE_INFINITY;
  private reported = 0;
  private suppressed = 0;
  private slowReported = 0;
  private tripped = false;
  private closed = false;

  constructor(
    readonly plugin: string,
    private readonly book: PluginFaults,
    private readonly onLimit: (err: PluginError) => void,
  ) {}

  /** Whether the plugin stopped or failed: late callbacks are ignored, nothing counts toward the limit. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** The plugin stopped or failed: late faults are still counted and logged, but trip nothing. */
  close(): void {
    this.closed = true;
  }

  /**
   * Run a plugin callback. A synchronous throw is a fault (the call returns undefined); a returned
   * promise that rejects is a fault too (it is returned with the rejection handled). Never throws.
   */
  call<A extends unknown[], R>(where: FaultSite, fn: (...args: A) => R, ...args: A): R | undefined {
    let result: R;
    try {
      result = this.timed(where, () => fn(...args));
    } catch (err) {
      this.fault(where, err);
      return undefined;
    }
    if (isThenable(result)) {
      return Promise.resolve(result).catch((err: unknown) => {
        this.fault(where, err);
        return undefined;
      }) as R;
    }
    return result;
  }

  /** `fn` behind this boundary (for listeners and timers). */
  wrap<A extends unknown[], R>(where: FaultSite, fn: (...args: A) => R): (...args: A) => R | undefined {
    return (...args: A) => this.call(where, fn, ...args);
  }

  /** Run `fn` and time its synchronous part; throws what it throws (the caller decides whether that is a fault). */
  timed<R>(where: FaultSite, fn: () => R): R {
    const t0 = this.book.now();
    try {
      return fn();
    } finally {
      this.took(where, t0);
    }
  }

  /** The clock callbacks are timed with (for hot paths that time inline instead of through `timed`). */
  clock(): number {
    return this.book.now();
  }

  /** A callback of the plugin started at `t0` (from `clock()`) has just returned. */
  took(where: FaultSite, t0: number): void {
    const ms = this.book.now() - t0;
    if (ms >= this.book.deps.limits.slowCallbackMs) this.slowCallback(where, ms);
  }

  /** Charge an error to the plugin: count, log and record it (rate-limited); trip the limit. */
  fault(where: FaultSite, err: unknown): void {
    this.total++;
    this.book.countFault(this.plugin, where);
    const message = describe(err);
    this.last = { where, message, at: this.book.wallClock().toISOString() };
    const t = this.book.now();
    const { faultLimit, faultWindowMs } = this.book.deps.limits;
    if (this.report(t)) {
      const stack = err instanceof Error && err.stack ? `\n${err.stack}` : '';
      const more = this.suppressed ? ` (${this.suppressed} more not logged)` : '';
      this.book.deps.log.error(`plugin ${this.plugin} fault in ${where}: ${message}${more}${stack}`);
      this.book.deps.events.record('core', {
        type: 'plugin.fault',
        severity: 'error',
        message: `plugin ${this.plugin} failed in ${where}: ${message}`,
        data: { plugin: this.plugin, where, faults: this.total, suppressed: this.suppressed },
      });
      this.suppressed = 0;
    } else {
      this.suppressed++;
    }
    if (this.closed || this.tripped) return;
    this.recent.push(t);
    while (this.recent.length > 0 && t - this.recent[0]! > faultWindowMs) this.recent.shift();
    if (this.recent.length > faultLimit) this.recent.shift();
    if (this.recent.length >= faultLimit) {
      this.tripped = true;
      this.onLimit(
        new PluginError('PLUGIN_FAULTED', `plugin ${this.plugin} failed ${faultLimit} times within ${faultWindowMs} ms (last in ${where}: ${message})`, { cause: err }),
      );
    }
  }

  summary(): PluginFaultSummary {
    return { faults: this.total, last: this.last, slowCallbacks: this.slow, lastSlow: this.lastSlow };
  }

  private slowCallback(where: FaultSite, ms: number): void {
    this.slow++;
    this.book.countSlow(this.plugin, where);
    const rounded = Math.round(ms);
    this.lastSlow = { where, ms: rounded, at: this.book.wallClock().toISOString() };
    this.report(this.book.now(), false);
    if (this.slowReported++ < REPORTS_PER_WINDOW) {
      this.book.deps.log.warn(`plugin ${this.plugin} blocked the event loop for ${rounded} ms in a ${where} callback`);
    }
  }

  /** Whether this fault may be logged and recorded (a budget per window); with `take` false only rolls the window. */
  private report(t: number, take = true): boolean {
    if (t - this.reportWindowStart >= this.book.deps.limits.faultWindowMs) {
      this.reportWindowStart = t;
      this.reported = 0;
      this.slowReported = 0;
    }
    if (!take) return false;
    return this.reported++ < REPORTS_PER_WINDOW;
  }
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

function describe(err: unknown): string {
  if (err instanceof Error) return `${(err as { code?: unknown }).code ? `${String((err as { code?: unknown }).code)}: ` : ''}${err.message}`;
  return `non-error value ${safeString(err)}`;
}

function safeString(v: unknown): string {
  try {
    return String(v).slice(0, 200);
  } catch {
    return typeof v;
  }
}
