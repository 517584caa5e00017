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

export interface MetricsApi {
  /** The whole registry in Prometheus text format (needs the `metrics:expose` permission). */
  exposition(): Promise<{ contentType: string; body: string }>;
  counter<L extends string>(opts: MetricOptions<L>): Counter<L>;
  gauge<L extends string>(opts: MetricOptions<L> & { collect?: (g: Gauge<L>) => void }): Gauge<L>;
  histogram<L extends string>(opts: MetricOptions<L> & { buckets?: number[] }): Histogram<L>;
}
