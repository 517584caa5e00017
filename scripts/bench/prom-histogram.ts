/**
 * A Prometheus histogram read from the text exposition format (prometheus.io "Exposition formats":
 * `<name>_bucket{le="<upper bound>"} <cumulative count>`, `<name>_sum`, `<name>_count`), the
 * difference of two scrapes, and quantiles from buckets by linear interpolation inside the bucket
 * that holds the rank, as PromQL's histogram_quantile does.
 */

export interface Histogram {
  /** Upper bounds ascending, the last +Inf, with cumulative counts. */
  buckets: { le: number; count: number }[];
  sum: number;
  count: number;
}

/** The histogram `name` summed over its label sets (other than `le`); undefined if absent. */
export function parseHistogram(text: string, name: string): Histogram | undefined {
  const byLe = new Map<number, number>();
  let sum = 0;
  let count = 0;
  let seen = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || line.startsWith('#')) continue;
    const m = /^(\w+?)(?:\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const [, metric, labels = '', raw] = m;
    const value = Number(raw);
    if (!Number.isFinite(value)) continue;
    if (metric === `${name}_bucket`) {
      const le = /(?:^|,)\s*le="([^"]*)"/.exec(labels)?.[1];
      const bound = le === '+Inf' ? Infinity : Number(le);
      if (le === undefined || Number.isNaN(bound)) continue;
      byLe.set(bound, (byLe.get(bound) ?? 0) + value);
      seen = true;
    } else if (metric === `${name}_sum`) {
      sum += value;
    } else if (metric === `${name}_count`) {
      count += value;
    }
  }
  if (!seen) return undefined;
  const buckets = [...byLe].map(([le, c]) => ({ le, count: c })).sort((a, b) => a.le - b.le);
  return { buckets, sum, count };
}

/** `after − before` (observations made between two scrapes); bounds missing from `before` count as 0. */
export function histogramDelta(after: Histogram, before: Histogram | undefined): Histogram {
  const prior = new Map((before?.buckets ?? []).map((b) => [b.le, b.count]));
  return {
    buckets: after.buckets.map((b) => ({ le: b.le, count: Math.max(0, b.count - (prior.get(b.le) ?? 0)) })),
    sum: after.sum - (before?.sum ?? 0),
    count: after.count - (before?.count ?? 0),
  };
}

/**
 * The q-quantile (0..1). Inside the bucket holding rank q × total, interpolates linearly from the
 * previous bound (0 for the first bucket); a rank in the +Inf bucket answers the largest finite
 * bound. Undefined when there are no observations.
 */
export function histogramQuantile(h: Histogram, q: number): number | undefined {
  const total = h.buckets.length > 0 ? h.buckets[h.buckets.length - 1]!.count : 0;
  if (total <= 0) return undefined;
  const rank = Math.min(1, Math.max(0, q)) * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of h.buckets) {
    if (b.count >= rank && b.count > prevCount) {
      if (b.le === Infinity) return prevLe;
      return prevLe + ((b.le - prevLe) * (rank - prevCount)) / (b.count - prevCount);
    }
    if (b.le !== Infinity) prevLe = b.le;
    prevCount = b.count;
  }
  return prevLe;
}
