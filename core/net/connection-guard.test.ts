import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectionGuard, type ConnectionLimits, type RefusalReason } from './connection-guard.js';
import { clientKey } from './client-key.js';
import { FdBudget, readOpenFileLimit, scaleLimits } from './fd-budget.js';
import { RefusalReporter } from './refusal-reporter.js';
import { silentLogger, type Logger } from '../logging/logger.js';

/** A fake socket: remembers whether and why the guard closed it. */
class FakeSocket {
  evicted: RefusalReason | null = null;
  constructor(readonly name: string) {}
}

function setup(limits: Partial<ConnectionLimits> = {}) {
  const refusals: Array<{ reason: RefusalReason; client: string }> = [];
  const guard = new ConnectionGuard('test', { maxTotal: 20, maxIdleTotal: 6, maxPerIp: 4, maxIdlePerIp: 3, reserved: 4, ...limits }, {
    refused: (_l, reason, client) => void refusals.push({ reason, client }),
  });
  const open = (ip: string, name = ip) => {
    const s = new FakeSocket(name);
    const a = guard.admit(ip, (reason) => (s.evicted = reason));
    return { s, a };
  };
  return { guard, refusals, open };
}

describe('connection guard', () => {
  it('evicts the oldest idle socket of an address beyond its idle cap, never the newcomer', () => {
    const { guard, open, refusals } = setup();
    const conns = [1, 2, 3, 4, 5].map((i) => open('10.0.0.1', `c${i}`));
    assert.deepEqual(conns.map((c) => c.s.evicted), ['idle-per-ip', 'idle-per-ip', null, null, null]);
    assert.deepEqual(guard.counts(), { idle: 3, established: 0 });
    assert.deepEqual(refusals.map((r) => r.reason), ['idle-per-ip', 'idle-per-ip']);
  });

  it("one address's flood only churns its own idle slots: other addresses keep theirs", () => {
    const { open } = setup();
    const other = open('10.0.0.2');
    for (let i = 0; i < 100; i++) open('10.0.0.1');
    assert.equal(other.s.evicted, null);
    assert.equal(other.a.establish().ok, true);
  });

  it('evicts the globally oldest idle socket when the idle budget is full', () => {
    const { open, guard } = setup();
    const first = open('10.0.0.1');
    const second = open('10.0.0.2');
    for (let i = 3; i <= 6; i++) open(`10.0.0.${i}`);
    assert.equal(first.s.evicted, null);
    const seventh = open('10.0.0.7');
    assert.equal(first.s.evicted, 'idle-total');
    assert.equal(second.s.evicted, null);
    assert.equal(seventh.s.evicted, null);
    assert.equal(guard.counts().idle, 6);
  });

  it('established sockets are never evicted and do not count as idle', () => {
    const { open, guard } = setup();
    const viewer = open('10.0.0.1');
    assert.deepEqual(viewer.a.establish(), { ok: true });
    for (let i = 0; i < 50; i++) open('10.0.0.1');
    assert.equal(viewer.s.evicted, null);
    assert.deepEqual(guard.counts(), { idle: 3, established: 1 });
  });

  it('refuses establishing beyond the per-address cap; a priority session gets a little more', () => {
    const { open, refusals } = setup();
    for (let i = 0; i < 4; i++) assert.equal(open('10.0.0.1').a.establish().ok, true);
    const fifth = open('10.0.0.1');
    const refused = fifth.a.establish();
    assert.equal(refused.ok, false);
    assert.match(!refused.ok ? refused.reason : '', /limit 4 per address/);
    assert.equal(refusals.at(-1)?.reason, 'per-ip');
    assert.equal(fifth.a.establish({ priority: true }).ok, true, 'sign-in / publisher from the same NAT address still fits');
  });

  it('keeps the reserved slots for priority sessions and always an idle slot for newcomers', () => {
    // 20 total, 6 idle, 4 reserved: 10 ordinary established, 14 with priority.
    const { open, guard } = setup({ maxPerIp: 100 });
    for (let i = 0; i < 10; i++) assert.equal(open(`10.1.0.${i}`).a.establish().ok, true);
    const ordinary = open('10.2.0.1');
    assert.equal(ordinary.a.establish().ok, false);
    for (let i = 0; i < 4; i++) assert.equal(open(`10.3.0.${i}`).a.establish({ priority: true }).ok, true);
    assert.equal(open('10.3.0.9').a.establish({ priority: true }).ok, false);
    // Even now a newcomer is admitted (idle), and the box never holds more than maxTotal sockets.
    for (let i = 0; i < 30; i++) open(`10.4.0.${i}`);
    const c = guard.counts();
    assert.ok(c.idle + c.established <= 20, JSON.stringify(c));
    assert.equal(c.established, 14);
  });

  it('an ended session becomes idle again (newest), and release frees every slot', () => {
    const { open, guard } = setup();
    const a = open('10.0.0.1');
    const b = open('10.0.0.1');
    a.a.establish();
    a.a.idle();
    open('10.0.0.1');
    open('10.0.0.1'); // 4th idle of this address: the oldest (b) goes, not the just-idled a
    assert.equal(b.s.evicted, 'idle-per-ip');
    assert.equal(a.s.evicted, null);
    a.a.release();
    a.a.release();
    assert.deepEqual(guard.counts(), { idle: 2, established: 0 });
  });

  it('rejects caps that leave no room for established connections', () => {
    assert.throws(() => setup({ maxTotal: 10, maxIdleTotal: 8, reserved: 2 }), /must be below maxTotal/);
    assert.throws(() => setup({ maxIdlePerIp: 7 }), /must not exceed maxIdleTotal/);
  });
});

describe('client key', () => {
  it('unwraps IPv4-mapped addresses and groups IPv6 by /64', () => {
    assert.equal(clientKey('::ffff:127.0.0.2'), '127.0.0.2');
    assert.equal(clientKey('10.1.2.3'), '10.1.2.3');
    assert.equal(clientKey('2001:db8:0:1:aaaa::1'), '2001:db8:0:1::/64');
    assert.equal(clientKey('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(clientKey('2001:db8:0:1:ffff:1:2:3'), clientKey('2001:0DB8:0000:0001::9'));
    assert.equal(clientKey(undefined), 'unknown');
  });
});

describe('file descriptor budget', () => {
  const http: ConnectionLimits = { maxTotal: 4096, maxIdleTotal: 1024, maxPerIp: 1000, maxIdlePerIp: 128, reserved: 64 };

  it('reads the soft open-file limit from /proc/self/limits', () => {
    const text = 'Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 524288               files\n';
    assert.equal(readOpenFileLimit(() => text), 1024);
    assert.equal(readOpenFileLimit(() => text.replace('1024 ', 'unlimited ')), undefined);
    assert.equal(readOpenFileLimit(() => { throw new Error('no /proc'); }), undefined);
  });

  it('keeps the caps when they fit, clamps them (keeping the invariants) when they do not', () => {
    const warnings: string[] = [];
    const quiet = silentLogger();
    const log: Logger = { debug: () => undefined, info: () => undefined, error: () => undefined, warn: (m: string) => void warnings.push(m), child: () => quiet, isLevelEnabled: () => true };
    assert.deepEqual(new FdBudget(20_000, 4096, log).claim('http', http, 0.75), http);
    const small = new FdBudget(1024, 4096, log); // headroom becomes 256: 768 for sockets
    const h = small.claim('http', http, 0.75);
    assert.equal(h.maxTotal, 576);
    assert.ok(h.maxIdleTotal + h.reserved < h.maxTotal && h.maxIdlePerIp <= h.maxIdleTotal);
    const r = small.claim('rtmp', { maxTotal: 1000, maxIdleTotal: 128, maxPerIp: 500, maxIdlePerIp: 16, reserved: 16 });
    assert.equal(r.maxTotal, 192);
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]!, /clamped to maxTotal 576 .*open-file limit is 1024/);
    const tiny = scaleLimits(http, 16);
    assert.ok(tiny.maxIdleTotal + tiny.reserved < 16);
  });
});

describe('refusal reporter', () => {
  it('counts every refusal but records one event per listener + reason + address per minute', () => {
    let t = 0;
    const counted: string[] = [];
    const events: Array<{ message: string; data?: Record<string, unknown> }> = [];
    const r = new RefusalReporter({ counter: { inc: (l) => void counted.push(`${l?.listener}/${l?.reason}`) }, record: (e) => void events.push(e), log: silentLogger(), now: () => t });
    for (let i = 0; i < 500; i++) r.refused('http', 'idle-per-ip', '10.0.0.1', 128);
    r.refused('http', 'idle-per-ip', '10.0.0.2', 128);
    r.refused('rtmp', 'idle-per-ip', '10.0.0.1', 16);
    assert.equal(counted.length, 502);
    assert.equal(events.length, 3);
    t = 61_000;
    r.refused('http', 'idle-per-ip', '10.0.0.1', 128);
    assert.equal(events.length, 4);
    assert.equal(events[3]!.data?.['count'], 500, 'the 499 quiet ones are summed into the next event');
  });

  it('records at most maxEventsPerInterval events a minute in all, even from many addresses', () => {
    let t = 0;
    const events: Array<{ message: string; data?: Record<string, unknown> }> = [];
    const r = new RefusalReporter({ counter: { inc: () => undefined }, record: (e) => void events.push(e), log: silentLogger(), now: () => t, maxEventsPerInterval: 5 });
    for (let i = 0; i < 100; i++) r.refused('http', 'idle-total', `10.0.${i}.1`, 1024);
    assert.equal(events.length, 5);
    t = 60_000;
    r.refused('http', 'idle-total', '10.9.9.9', 1024);
    assert.equal(events.length, 6);
    assert.equal(events[5]!.data?.['suppressed'], 95);
    assert.match(events[5]!.message, /95 more from other addresses not recorded/);
  });
});
