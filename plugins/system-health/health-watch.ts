/**
 * Polls the box's health every `intervalMs` (an unref'd timer chain, never overlapping): refreshes the
 * hot sample, runs the health report of every registered check (core's and plugins'), and records a
 * `health.changed` event whenever a check's status changes. Keeps the latest report for metrics.
 */
import { describeError, type EventsApi, type HealthReport, type HealthStatus, type Logger } from 'xlive/sdk';
import type { HotSampler } from './hot-sampler.js';

const SEVERITY = { ok: 'info', warn: 'warn', fail: 'error' } as const;

export class HealthWatch {
  private readonly statuses = new Map<string, HealthStatus>();
  private report: HealthReport | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly deps: {
      sampler: Pick<HotSampler, 'sample'>;
      health: { report(): Promise<HealthReport> };
      events: Pick<EventsApi, 'record'>;
      log: Logger;
    },
    private readonly intervalMs: number,
  ) {}

  get latest(): HealthReport | undefined {
    return this.report;
  }

  /**
   * Take a first hot sample now (metrics and the summary have values at once) and poll health from one
   * interval on, once the plugins started after this one are up (their checks would fail before).
   */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.deps.sampler.sample().catch((err: unknown) => this.deps.log.warn(`hot sample failed: ${describeError(err)}`));
    this.schedule(this.intervalMs);
  }

  /** Stop polling; resolves once a poll in flight has finished. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  /** One poll (also used by tests to step without waiting for the timer). */
  async poll(): Promise<void> {
    try {
      await this.deps.sampler.sample();
      const report = await this.deps.health.report();
      this.report = report;
      this.compare(report);
    } catch (err) {
      this.deps.log.warn(`health poll failed: ${describeError(err)}`);
    }
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.inFlight = this.poll().finally(() => {
        this.inFlight = undefined;
        if (this.running) this.schedule(this.intervalMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  private compare(report: HealthReport): void {
    const seen = new Set<string>();
    for (const c of report.checks) {
      seen.add(c.name);
      const before = this.statuses.get(c.name);
      this.statuses.set(c.name, c.status);
      if (before === c.status || (before === undefined && c.status === 'ok')) continue;
      const from = before ?? 'unknown';
      this.deps.log[c.status === 'ok' ? 'info' : 'warn'](`health ${c.name}: ${from} → ${c.status}${c.message ? ` (${c.message})` : ''}`);
      this.deps.events.record({
        type: 'health.changed',
        severity: SEVERITY[c.status],
        message: `${c.name} is ${c.status}${before ? ` (was ${before})` : ''}${c.message ? `: ${c.message}` : ''}`,
        data: { check: c.name, from, to: c.status, message: c.message ?? null },
      });
    }
    for (const name of [...this.statuses.keys()]) if (!seen.has(name)) this.statuses.delete(name);
  }
}
