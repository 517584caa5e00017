import client from 'prom-client';
import { ValidationError } from '../errors/xlive-error.js';
import type { CollectedCounterOptions, Counter, Gauge, Histogram, MetricOptions, MetricsApi } from '../sdk/metrics.js';

const NAME = /^xlive_[a-z0-9_]+$/;

/** A plugin's view of the registry: what it creates is remembered, and `release()` removes it again. */
export interface OwnedMetrics extends MetricsApi {
  /** Unregister every metric this owner created (a failed or stopped plugin's metrics leave the exposition). */
  release(): void;
}

/**
 * One prom-client Registry per appliance (never prom-client's global one). Plugins get the MetricsApi
 * slice; registering the same name twice returns the existing metric.
 */
export class MetricsRegistry implements MetricsApi {
  readonly registry = new client.Registry();
  private readonly metrics = new Map<string, unknown>();

  counter<L extends string>(opts: MetricOptions<L>): Counter<L> {
    return this.getOrCreate(opts, () => new client.Counter({ ...this.base(opts), registers: [this.registry] })) as Counter<L>;
  }

  collectedCounter<L extends string>(opts: CollectedCounterOptions<L>): void {
    this.getOrCreate(opts, () => {
      const reported = new Map<string, number>();
      const counter: client.Counter<string> = new client.Counter({
        ...this.base(opts),
        registers: [this.registry],
        collect: () => {
          for (const row of opts.collect()) {
            const labels = (row.labels ?? {}) as Record<string, string | number>;
            const key = JSON.stringify(labels);
            const delta = row.value - (reported.get(key) ?? 0);
            if (delta > 0) {
              counter.inc(labels, delta);
              reported.set(key, row.value);
            }
          }
        },
      });
      return counter;
    });
  }

  gauge<L extends string>(opts: MetricOptions<L> & { collect?: (g: Gauge<L>) => void }): Gauge<L> {
    return this.getOrCreate(opts, () => {
      const collect = opts.collect;
      const g: client.Gauge<string> = new client.Gauge({
        ...this.base(opts),
        registers: [this.registry],
        ...(collect ? { collect: () => collect(wrapGauge(g) as Gauge<L>) } : {}),
      });
      return wrapGauge(g);
    }) as Gauge<L>;
  }

  histogram<L extends string>(opts: MetricOptions<L> & { buckets?: number[] }): Histogram<L> {
    return this.getOrCreate(opts, () => {
      const h = new client.Histogram({ ...this.base(opts), registers: [this.registry], ...(opts.buckets ? { buckets: opts.buckets } : {}) });
      return { observe: (labels: Record<string, string | number>, v: number) => h.observe(labels, v) };
    }) as Histogram<L>;
  }

  /**
   * The registry as seen by one owner (a plugin): metrics it creates first are its own and are removed
   * by `release()`; a name another owner created first is shared and stays.
   */
  forOwner(_owner: string): OwnedMetrics {
    const names = new Set<string>();
    const track = <T>(name: string, make: () => T): T => {
      const existed = this.metrics.has(name);
      const m = make();
      if (!existed) names.add(name);
      return m;
    };
    return {
      counter: (o) => track(o.name, () => this.counter(o)),
      collectedCounter: (o) => track(o.name, () => this.collectedCounter(o)),
      gauge: (o) => track(o.name, () => this.gauge(o)),
      histogram: (o) => track(o.name, () => this.histogram(o)),
      exposition: () => this.exposition(),
      release: () => {
        for (const name of names) this.remove(name);
        names.clear();
      },
    };
  }

  /** Unregister one metric by name (no-op when unknown). */
  remove(name: string): void {
    if (!this.metrics.delete(name)) return;
    this.registry.removeSingleMetric(name);
  }

  /** Default process metrics (CPU, memory, event-loop lag, GC) into this registry. */
  collectProcessMetrics(): void {
    // The event-loop delay monitor wakes the loop at its precision: 100 ms keeps an idle box idle.
    client.collectDefaultMetrics({ register: this.registry, prefix: 'xlive_', eventLoopMonitoringPrecision: 100 });
  }

  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private base(opts: MetricOptions<string>): { name: string; help: string; labelNames: string[] } {
    if (!NAME.test(opts.name)) throw new ValidationError(`metric name "${opts.name}" must match ${NAME}`);
    return { name: opts.name, help: opts.help, labelNames: [...(opts.labelNames ?? [])] };
  }

  private getOrCreate(opts: MetricOptions<string>, make: () => unknown): unknown {
    const existing = this.metrics.get(opts.name);
    if (existing) return existing;
    const m = make();
    this.metrics.set(opts.name, m);
    return m;
  }
}

function wrapGauge(g: client.Gauge<string>): Gauge<string> {
  return {
    set: (labels, v) => g.set(labels as Record<string, string | number>, v),
    inc: (labels = {}, v = 1) => g.inc(labels as Record<string, string | number>, v),
    dec: (labels = {}, v = 1) => g.dec(labels as Record<string, string | number>, v),
  };
}
