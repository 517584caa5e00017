import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyframeLog } from './keyframe-log.js';

describe('KeyframeLog', () => {
  it('finds the last keyframe sent at or before a time and stays bounded', () => {
    const log = new KeyframeLog(3);
    for (const t of [100, 2100, 4100, 6100]) log.record(t);
    assert.equal(log.size, 3);
    assert.equal(log.lastAtOrBefore(2000), undefined);
    assert.equal(log.lastAtOrBefore(2100), 2100);
    assert.equal(log.lastAtOrBefore(4099), 2100);
    assert.equal(log.lastAtOrBefore(9999), 6100);
  });
});
