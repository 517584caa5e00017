import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

const { PasswordWorkQueue } = await import('./password-work-queue.js');

/** A hasher that counts how many run at once and finishes when told. */
function gatedHasher() {
  let running = 0;
  let peak = 0;
  const gates: Array<() => void> = [];
  const job = async <T>(v: T) => {
    running++;
    peak = Math.max(peak, running);
    await new Promise<void>((r) => gates.push(r));
    running--;
    return v;
  };
  return {
    hasher: { hash: (p: string) => job(`h:${p}`), verify: (p: string, s: string) => job(s === `h:${p}`) },
    release: () => gates.splice(0).forEach((g) => g()),
    get peak() {
      return peak;
    },
    get waiting() {
      return gates.length;
    },
  };
}

describe('PasswordWorkQueue: bounded password hashing', () => {
  it('runs at most `concurrency` hashes at once, queues `maxQueue`, and refuses the rest at once (429)', async () => {
    const g = gatedHasher();
    const q = new PasswordWorkQueue({ concurrency: 2, maxQueue: 3, inner: g.hasher });
    const jobs = Array.from({ length: 120 }, (_, i) => q.verify(`p${i}`, `h:p${i}`).then(
      (ok) => ({ ok }),
      (err: { code: string; retryAfterSeconds: number }) => ({ err }),
    ));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(q.stats, { running: 2, queued: 3 });
    assert.equal(g.waiting, 2);
    for (let i = 0; i < 5 && g.waiting > 0; i++) {
      g.release();
      await new Promise((r) => setImmediate(r));
    }
    const results = await Promise.all(jobs);
    const refused = results.filter((r) => 'err' in r);
    assert.equal(results.length - refused.length, 5, 'two running + three queued were done');
    assert.ok(refused.every((r) => 'err' in r && r.err.code === 'RATE_LIMITED' && r.err.retryAfterSeconds >= 1));
    assert.equal(g.peak, 2, 'never more than two at once');
    assert.deepEqual(q.stats, { running: 0, queued: 0 });
  });
});
