/**
 * A bounded set of numeric samples for percentiles: keeps every sample until `capacity`, then a
 * uniform reservoir (Vitter's algorithm R) driven by a seeded LCG so runs are reproducible.
 */
export class SampleSet {
  private readonly values: number[] = [];
  private seen = 0;
  private state: number;

  constructor(
    private readonly capacity = 50_000,
    seed = 1,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity ${capacity} must be a positive integer`);
    this.state = seed >>> 0 || 1;
  }

  /** Samples offered so far (not only those kept). */
  get count(): number {
    return this.seen;
  }

  add(value: number): void {
    if (!Number.isFinite(value)) return;
    this.seen++;
    if (this.values.length < this.capacity) {
      this.values.push(value);
      return;
    }
    const j = Math.floor(this.random() * this.seen);
    if (j < this.capacity) this.values[j] = value;
  }

  /** Nearest-rank percentile, p in [0, 100]; undefined when empty. */
  percentile(p: number): number | undefined {
    if (this.values.length === 0) return undefined;
    const sorted = [...this.values].sort((a, b) => a - b);
    const rank = Math.ceil((Math.min(100, Math.max(0, p)) / 100) * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  /** Numerical Recipes LCG, in [0, 1). */
  private random(): number {
    this.state = (Math.imul(this.state, 1664525) + 1013904223) >>> 0;
    return this.state / 0x100000000;
  }
}
