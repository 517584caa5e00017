/**
 * A facts worker for tests that blocks its thread the way systeminformation's synchronous shell calls
 * do (a 400 ms busy loop), then answers. Run on the main thread it would stall the event loop as long.
 */
import { parentPort } from 'node:worker_threads';
import type { SystemFacts } from '../system-facts.js';

export const BLOCK_MS = 400;

const until = Date.now() + BLOCK_MS;
while (Date.now() < until);
const facts: SystemFacts = {
  collectedAt: new Date().toISOString(),
  model: null,
  os: { platform: 'test', distro: '', release: '', codename: '', kernel: '', arch: '', hostname: 'blocking-worker' },
  cpu: null,
  memory: null,
  disks: null,
  filesystems: null,
  network: null,
  errors: {},
};
parentPort?.postMessage({ ok: true, facts });
