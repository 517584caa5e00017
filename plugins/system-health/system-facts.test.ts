import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FactsSource } from './system-facts.js';
import { collectSystemFacts } from './system-facts.js';

describe('collectSystemFacts', () => {
  it('maps each part, names the parts that failed, and bounds lists', async () => {
    const si = {
      system: async () => ({ manufacturer: 'Raspberry Pi Foundation', model: 'Raspberry Pi 4 Model B', version: '1.4', virtual: false, raspberry: { type: '4B', revision: '1.4', processor: 'BCM2711', manufacturer: 'Sony UK' } }),
      osInfo: async () => ({ platform: 'linux', distro: 'Debian GNU/Linux', release: '12', codename: 'bookworm', kernel: '6.6.31', arch: 'arm64', hostname: 'box-7' }),
      cpu: async () => {
        throw new Error('lscpu: command not found');
      },
      mem: async () => ({ total: 4 * 1024 ** 3, swaptotal: 0 }),
      diskLayout: async () => [{ device: '/dev/mmcblk0', type: 'SD', name: 'SC32G', vendor: 'SanDisk', size: 31_914_983_424, interfaceType: 'SD' }],
      fsSize: async () => [{ fs: '/dev/mmcblk0p2', type: 'ext4', mount: '/', size: 30e9, used: 5e9, rw: true }],
      networkInterfaces: async () => Array.from({ length: 100 }, (_, i) => ({ iface: `eth${i}`, mac: 'aa:bb', ip4: `10.0.0.${i}`, ip6: '', type: 'wired', operstate: 'up', speed: 1000, default: i === 0, internal: false })),
    } as unknown as FactsSource;
    const f = await collectSystemFacts(si, () => new Date('2025-01-01T00:00:00Z'));
    assert.equal(f.collectedAt, '2025-01-01T00:00:00.000Z');
    assert.equal(f.model?.raspberry?.type, '4B');
    assert.equal(f.os?.hostname, 'box-7');
    assert.equal(f.cpu, null);
    assert.match(f.errors['cpu']!, /lscpu/);
    assert.equal(f.memory?.totalBytes, 4 * 1024 ** 3);
    assert.equal(f.disks?.[0]?.vendor, 'SanDisk');
    assert.equal(f.filesystems?.[0]?.mount, '/');
    assert.equal(f.network?.length, 32);
    assert.equal(f.network?.[0]?.default, true);
  });
});
