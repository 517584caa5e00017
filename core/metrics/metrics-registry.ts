import client from 'prom-client';
import { ValidationError } from '../errors/xlive-error.js';
import type { CollectedCounterOptions, Counter, Gauge, Histogram, MetricOptions, MetricsApi } from '../sdk/metrics.js';

const NAME = /^xlive_[a-z0-9_]+$/;

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
