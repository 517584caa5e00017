import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

const { diskHealth, likelyBlocker, loopLagHealth, temperatureHealth, watermark } = await import('./health-rules.js');
const { DEFAULTS } = await import('./config.js');
const { parseThrottled } = await import('./throttle-flags.js');

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const disk = (path: string, sizeBytes: number, freeBytes: number) => ({ path, sizeBytes, freeBytes, usedBytes: sizeBytes - freeBytes, freePercent: Math.round((freeBytes / sizeBytes) * 10000) / 100 });

describe('health rules', () => {
  it('takes the smaller of the byte and percent watermarks, so small tmpfs and big disks both behave', () => {
    assert.equal(watermark(32 * GiB, GiB, 10), GiB);
    assert.equal(watermark(64 * MiB, GiB, 10), 6.4 * MiB);
    assert.equal(watermark(64 * MiB, 0, 10), 6.4 * MiB);
    assert.equal(watermark(64 * MiB, MiB, 0), MiB);
    assert.equal(watermark(64 * MiB, 0, 0), 0);
  });

  it('disk free: ok, then warn, then fail as the watermarks are crossed; unreadable paths warn', () => {
    const w = DEFAULTS.disk;
    assert.equal(diskHealth([disk('/data', 32 * GiB, 10 * GiB)], w).status, 'ok');
    assert.equal(diskHealth([disk('/data', 32 * GiB, 900 * MiB)], w).status, 'warn');
    const fail = diskHealth([disk('/data', 32 * GiB, 100 * MiB), disk('/run', 64 * MiB, 60 * MiB)], w);
    assert.equal(fail.status, 'fail');
    assert.match(fail.message!, /\/data: 100\.0 MiB free .* below the fail watermark/);
    assert.match(fail.message!, /\/run: 60\.0 MiB free/);
    // A 64 MiB tmpfs with 5 MiB free is below 10 % (warn) but above 3 % (fail).
    assert.equal(diskHealth([disk('/run', 64 * MiB, 5 * MiB)], w).status, 'warn');
    assert.equal(diskHealth([{ path: '/gone', error: 'ENOENT' }], w).status, 'warn');
  });

  it('temperature: thresholds, throttling now warns, none of it on x86 is ok', () => {
    const t = DEFAULTS.temperature;
    const zones = (c: number) => ({ celsius: c, zones: [] });
    assert.equal(temperatureHealth({ temperature: { celsius: null, zones: [] }, throttled: null }, t).status, 'ok');
    assert.equal(temperatureHealth({ temperature: zones(50), throttled: parseThrottled('50000') }, t).status, 'ok');
    assert.match(temperatureHealth({ temperature: zones(50), throttled: parseThrottled('50000') }, t).message!, /under-voltage occurred since boot/);
    assert.equal(temperatureHealth({ temperature: zones(76), throttled: null }, t).status, 'warn');
    assert.equal(temperatureHealth({ temperature: zones(85), throttled: null }, t).status, 'fail');
    const uv = temperatureHealth({ temperature: zones(50), throttled: parseThrottled('50005') }, t);
    assert.equal(uv.status, 'warn');
    assert.match(uv.message!, /now: under-voltage, throttled/);
  });

  it('event-loop lag: the worst stall of the window against the thresholds', () => {
    const l = DEFAULTS.eventLoop;
    assert.equal(loopLagHealth({ p99Ms: 3, maxMs: 40, meanMs: 1 }, l).status, 'ok');
    assert.equal(loopLagHealth({ p99Ms: 3, maxMs: 600, meanMs: 1 }, l).status, 'warn');
    assert.equal(loopLagHealth({ p99Ms: 3, maxMs: 2500, meanMs: 1 }, l).status, 'fail');
  });

  it('names the plugin whose callback the host timed as slow, when the lag is bad and the callback recent', () => {
    const l = DEFAULTS.eventLoop;
    const now = Date.parse('2026-01-01T00:01:00Z');
    const slow = (id: string, at: string, ms: number) => ({
      id, version: '1', kinds: [], source: 'external' as const, enabled: true, state: 'running' as const, error: null,
      faults: { faults: 0, last: null, slowCallbacks: 1, lastSlow: { where: 'stream-event' as const, ms, at } },
    });
    const plugins = [slow('old', '2026-01-01T00:00:00Z', 900), slow('hog', '2026-01-01T00:00:58Z', 700), { ...slow('none', '2026-01-01T00:00:59Z', 1), faults: undefined }];
    const b = likelyBlocker(plugins, now, 5000);
    assert.deepEqual(b, { plugin: 'hog', where: 'stream-event', ms: 700 });
    assert.match(loopLagHealth({ p99Ms: 3, maxMs: 750, meanMs: 1 }, l, b).message ?? '', /likely plugin hog \(a stream-event callback held the loop 700 ms\)/);
    assert.doesNotMatch(loopLagHealth({ p99Ms: 3, maxMs: 40, meanMs: 1 }, l, b).message ?? '', /likely/);
    assert.equal(likelyBlocker(plugins, now + 60_000, 5000), undefined);
  });
});
