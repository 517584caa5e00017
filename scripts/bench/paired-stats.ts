/**
 * Mean of paired differences with a 95 % confidence half-width (Student's t, n − 1 degrees of
 * freedom): the bench measures two servers over the same windows, so machine noise shared by both
 * cancels in each difference and the spread of the differences says how far the mean can be trusted.
 */

export interface PairedSummary {
  n: number;
  mean: number;
  /** 95 % confidence half-width; undefined with fewer than two pairs. */
  ci95: number | undefined;
}

/** Two-sided 97.5 % quantiles of Student's t for 1..10 degrees of freedom; above that ~2.0. */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228];

export function pairedSummary(diffs: readonly number[]): PairedSummary {
  const n = diffs.length;
  if (n === 0) return { n, mean: NaN, ci95: undefined };
  const mean = diffs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { n, mean, ci95: undefined };
  const variance = diffs.reduce((a, d) => a + (d - mean) ** 2, 0) / (n - 1);
  const t = T975[n - 2] ?? 2.0;
  return { n, mean, ci95: (t * Math.sqrt(variance)) / Math.sqrt(n) };
}
