/** Named metrics plugins register; the core backs them with one (non-global) registry. */
export type Labels = Record<string, string | number>;

export interface MetricOptions<L extends string = string> {
  /** Full metric name; plugin metrics must start with `xlive_`. */
  name: string;
  help: string;
  labelNames?: readonly L[];
}

export interface Counter<L extends string = string> {
  inc(labels?: Partial<Record<L, string | number>>, value?: number): void;
}
export interface Gauge<L extends string = string> {
  set(labels: Partial<Record<L, string | number>>, value: number): void;
  inc(labels?: Partial<Record<L, string | number>>, value?: number): void;
  dec(labels?: Partial<Record<L, string | number>>, value?: number): void;
}
export interface Histogram<L extends string = string> {
  observe(labels: Partial<Record<L, string | number>>, value: number): void;
}

/** A counter whose value is a running total the plugin keeps in a plain number (no work per event). */
export interface CollectedCounterOptions<L extends string = string> extends MetricOptions<L> {
  /** Called at scrape time: return the totals since start, per label set. */
  collect: () => Array<{ labels?: Partial<Record<L, string | number>>; value: number }>;
}

export interface MetricsApi {
  /** Like `counter`, but read from totals at scrape time: for hot paths (bytes, frames). */
  collectedCounter<L extends string>(opts: CollectedCounterOptions<L>): void;
  /** The whole registry in Prometheus text format (needs the `metrics:expose` permission). */
  exposition(): Promise<{ contentType: string; body: string }>;
  counter<L extends string>(opts: MetricOptions<L>): Counter<L>;
  gauge<L extends string>(opts: MetricOptions<L> & { collect?: (g: Gauge<L>) => void }): Gauge<L>;
  histogram<L extends string>(opts: MetricOptions<L> & { buckets?: number[] }): Histogram<L>;
}
