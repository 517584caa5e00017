import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SendTimes } from './send-times.js';

describe('SendTimes', () => {
  it('matches a dts to its send time and forgets the oldest past capacity', () => {
    const t = new SendTimes(3);
    for (let dts = 0; dts < 5; dts++) t.record(dts * 33, 1000 + dts);
    assert.equal(t.size, 3);
    assert.equal(t.latency(0, 2000), undefined);
    assert.equal(t.latency(132, 1010), 6);
  });
});
