import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBenchOptions } from './bench-options.js';

describe('parseBenchOptions', () => {
  it('has full-run defaults and shorter --quick ones', () => {
    const full = parseBenchOptions([]);
    assert.deepEqual([full.servers, full.viewers, full.seconds, full.bigViewers, full.slowSeconds], [['xlive', 'nms', 'nginx'], 100, 20, 1000, 60]);
    const quick = parseBenchOptions(['--quick', '--servers', 'nms,xlive', '--viewers', '7']);
    assert.deepEqual([quick.servers, quick.viewers, quick.seconds, quick.bigViewers, quick.slowSeconds], [['nms', 'xlive'], 7, 4, 0, 15]);
    assert.deepEqual([full.hls, full.hlsClients, full.hlsRounds, full.hlsSeconds], [true, 100, 3, 20]);
    assert.deepEqual([quick.hlsRounds, quick.hlsSeconds], [2, 6]);
    const noHls = parseBenchOptions(['--no-hls', '--hls-clients', '0']);
    assert.deepEqual([noHls.hls, noHls.hlsClients], [false, 0]);
  });

  it('rejects unknown servers, bad numbers and unknown flags', () => {
    assert.throws(() => parseBenchOptions(['--servers', 'wowza']), /unknown server "wowza"/);
    assert.throws(() => parseBenchOptions(['--viewers', '0']), /--viewers must be an integer/);
    assert.throws(() => parseBenchOptions(['--big-viewers', 'lots']), /--big-viewers must be an integer/);
    assert.throws(() => parseBenchOptions(['--hls-clients', 'many']), /--hls-clients must be an integer/);
    assert.throws(() => parseBenchOptions(['--turbo']));
  });
});
