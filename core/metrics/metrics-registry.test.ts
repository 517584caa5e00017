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

  it('forOwner: release removes what that owner created, never a metric another owner created first', async () => {
    const m = new MetricsRegistry();
    m.counter({ name: 'xlive_core_total', help: 'core' }).inc();
    const plugin = m.forOwner('p');
    plugin.counter({ name: 'xlive_core_total', help: 'shared' }).inc();
    plugin.gauge({ name: 'xlive_p_gauge', help: 'p' }).set({}, 3);
    plugin.collectedCounter({ name: 'xlive_p_total', help: 'p', collect: () => [{ value: 5 }] });
    let body = (await m.exposition()).body;
    assert.match(body, /xlive_p_gauge 3/);
    assert.match(body, /xlive_p_total 5/);
    plugin.release();
    body = (await m.exposition()).body;
    assert.doesNotMatch(body, /xlive_p_/);
    assert.match(body, /xlive_core_total 2/);
    // The name is free again (a restarted plugin registers afresh).
    m.forOwner('p').counter({ name: 'xlive_p_total', help: 'again' }).inc();
    assert.match((await m.exposition()).body, /xlive_p_total 1/);
  });
});
