import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SampleSet } from './sample-set.js';

describe('SampleSet', () => {
  it('gives nearest-rank percentiles', () => {
    const s = new SampleSet();
    for (let i = 1; i <= 100; i++) s.add(101 - i);
    assert.equal(s.percentile(50), 50);
    assert.equal(s.percentile(95), 95);
    assert.equal(s.percentile(100), 100);
    assert.equal(s.percentile(0), 1);
    assert.equal(new SampleSet().percentile(50), undefined);
  });

  it('stays bounded and representative past its capacity', () => {
    const s = new SampleSet(1000, 3);
    for (let i = 0; i < 100_000; i++) s.add(i % 1000);
    assert.equal(s.count, 100_000);
    const p50 = s.percentile(50)!;
    assert.ok(p50 > 400 && p50 < 600, `p50 ${p50}`);
  });
});
