import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { nodeSystemSources } from './system-sources.js';
import { makeFakeSys, type FakeSys } from './testing/fake-sys.js';

const { HotSampler } = await import('./hot-sampler.js');

const GiB = 1024 ** 3;
const lag = { read: () => ({ p99Ms: 1, maxMs: 2, meanMs: 0.5 }) };

describe('HotSampler', () => {
  const fakes: FakeSys[] = [];
  after(() => fakes.forEach((f) => f.remove()));

  it('reads thermal zones, Pi throttling flags and filesystem usage from injected sources', async () => {
    const sys = makeFakeSys({
      zones: [
        { type: 'cpu-thermal', milli: '48312' },
        { type: 'bogus', milli: '-274000' },
        { type: 'gpu', milli: '51000' },
      ],
      throttled: '50005\n',
    });
    fakes.push(sys);
    sys.disks.set('/data', { size: 32 * GiB, free: 8 * GiB });
    const sampler = new HotSampler({ ...nodeSystemSources(), ...sys.sources }, ['/data', '/missing'], lag, () => new Date('2025-01-01T00:00:00Z'));
    const s = await sampler.sample();
    assert.equal(s.at, '2025-01-01T00:00:00.000Z');
    assert.deepEqual(s.temperature.zones, [
      { zone: 'thermal_zone0', type: 'cpu-thermal', celsius: 48.3 },
      { zone: 'thermal_zone2', type: 'gpu', celsius: 51 },
    ]);
    assert.equal(s.temperature.celsius, 51);
    assert.equal(s.throttled?.underVoltage, true);
    assert.deepEqual(s.disks[0], { path: '/data', sizeBytes: 32 * GiB, freeBytes: 8 * GiB, usedBytes: 24 * GiB, freePercent: 25 });
    assert.deepEqual(s.disks[1], { path: '/missing', error: 'ENOENT' });
    assert.ok(s.load.cpus >= 1);
    assert.ok(s.memory.totalBytes > 0);
    assert.deepEqual(s.eventLoop, { p99Ms: 1, maxMs: 2, meanMs: 0.5 });
    assert.equal(sampler.latest, s);
  });

  it('degrades to nulls where /sys has neither thermal zones nor the firmware file (x86)', async () => {
    const sys = makeFakeSys();
    fakes.push(sys);
    const sampler = new HotSampler({ ...nodeSystemSources(), ...sys.sources, thermalDir: '/nonexistent/thermal' }, [], lag);
    const s = await sampler.sample();
    assert.deepEqual(s.temperature, { celsius: null, zones: [] });
    assert.equal(s.throttled, null);
    assert.deepEqual(s.disks, []);
  });

  it('ignores garbage in the firmware file and shares one sampling among concurrent callers', async () => {
    const sys = makeFakeSys({ throttled: 'garbage' });
    fakes.push(sys);
    let reads = 0;
    const sources = { ...nodeSystemSources(), ...sys.sources };
    const sampler = new HotSampler({ ...sources, readdir: (p) => (reads++, sources.readdir(p)) }, [], lag);
    const [a, b] = await Promise.all([sampler.sample(), sampler.sample()]);
    assert.equal(a, b);
    assert.equal(reads, 1);
    assert.equal(a.throttled, null);
    assert.equal(await sampler.fresh(60_000), a, 'a fresh-enough sample is reused');
  });

  it('reads the real machine without throwing', async () => {
    const s = await new HotSampler(nodeSystemSources(), ['/'], lag).sample();
    assert.ok('freeBytes' in s.disks[0]!);
  });
});
