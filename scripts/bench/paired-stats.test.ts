import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pairedSummary } from './paired-stats.js';

describe('pairedSummary', () => {
  it('gives the mean and a Student-t 95 % half-width', () => {
    const s = pairedSummary([1, 2, 3]);
    assert.equal(s.mean, 2);
    // sd 1, t(2 df) 4.303, / sqrt(3)
    assert.ok(Math.abs(s.ci95! - 4.303 / Math.sqrt(3)) < 1e-9);
    assert.equal(pairedSummary([5, 5, 5, 5]).ci95, 0);
  });

  it('has no interval for fewer than two pairs', () => {
    assert.deepEqual(pairedSummary([0.4]), { n: 1, mean: 0.4, ci95: undefined });
    assert.equal(pairedSummary([]).ci95, undefined);
  });
});
