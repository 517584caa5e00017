import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MetricsRegistry } from './metrics-registry.js';

describe('MetricsRegistry', () => {
  it('reads collected counters from running totals at scrape time, monotonic', async () => {
    const m = new MetricsRegistry();
    let total = 0;
    m.collectedCounter<'protocol'>({ name: 'xlive_test_bytes_total', help: 'test', labelNames: ['protocol'], collect: () => [{ labels: { protocol: 'rtmp' }, value: total }] });
    total = 100;
    assert.match((await m.exposition()).body, /xlive_test_bytes_total\{protocol="rtmp"\} 100/);
    total = 250;
    assert.match((await m.exposition()).body, /xlive_test_bytes_total\{protocol="rtmp"\} 250/);
  });

  it('refuses names outside the xlive_ namespace and returns the same metric for the same name', () => {
    const m = new MetricsRegistry();
    assert.throws(() => m.counter({ name: 'bad_name', help: 'x' }), /must match/);
    assert.equal(m.counter({ name: 'xlive_a_total', help: 'a' }), m.counter({ name: 'xlive_a_total', help: 'a' }));
  });
});
