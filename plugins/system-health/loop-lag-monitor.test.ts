import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { LoopLagMonitor } from './loop-lag-monitor.js';

describe('LoopLagMonitor', () => {
  it('reports a stall of the loop, keeps it visible one more window, then forgets it', async () => {
    let t = 0;
    const lag = new LoopLagMonitor(1000, () => t);
    assert.deepEqual(lag.read(), { p99Ms: 0, maxMs: 0, meanMs: 0 }, 'nothing before start');
    lag.start();
    try {
      await sleep(60);
      const until = Date.now() + 150;
      while (Date.now() < until);
      await sleep(40);
      const first = lag.read();
      assert.ok(first.maxMs >= 100 && first.maxMs < 1000, `stall seen: ${JSON.stringify(first)}`);
      t += 1000; // the window closes at this read
      assert.ok(lag.read().maxMs >= 100);
      await sleep(60);
      assert.ok(lag.read().maxMs >= 100, 'still visible in the next window');
      t += 1000;
      lag.read(); // closes the window after the stall
      await sleep(60);
      const later = lag.read();
      assert.ok(later.maxMs < 100, `forgotten two windows on: ${JSON.stringify(later)}`);
    } finally {
      lag.stop();
    }
  });
});
