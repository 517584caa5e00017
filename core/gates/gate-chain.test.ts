import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from '../logging/logger.js';
import type { EventInit } from '../sdk/events.js';
import type { GateDefinition, GateOutcome, GateQuery, GateRequest } from '../sdk/gates.js';
import { parseStreamPath } from '../streams/stream-path.js';
import { GateChain, cleanReason, ipOf, type GateChainDeps } from './gate-chain.js';
import { RefusalRecorder } from './refusal-recorder.js';

const query = (o: Partial<GateQuery> = {}): GateQuery => ({ action: 'publish', protocol: 'rtmp', app: 'live', name: 'stage', query: {}, remote: '192.0.2.7:50000', ...o });

function chain(o: Partial<GateChainDeps> = {}) {
  const refusals: Array<{ req: GateRequest; outcome: GateOutcome }> = [];
  const c = new GateChain({
    auth: { available: true, labMode: false },
    ownerState: () => 'running',
    streams: { parsePath: parseStreamPath },
    refusals: { refused: (req, outcome) => void refusals.push({ req, outcome }) },
    log: silentLogger(),
    unavailableMessage: 'no auth provider is running',
    ...o,
  });
  return { c, refusals };
}

const gate = (order: number, decide: GateDefinition['decide'], extra: Partial<GateDefinition> = {}): GateDefinition => ({ actions: ['publish', 'play'], order, decide, ...extra });

describe('GateChain: order and veto', () => {
  it('asks gates by order, ties by id; every gate must allow', async () => {
    const { c } = chain();
    const asked: string[] = [];
    const allow = (id: string) => () => (asked.push(id), { allow: true as const });
    c.register('zeta', gate(100, allow('zeta')));
    c.register('auth-local', gate(100, allow('auth-local')));
    c.register('webhook', gate(50, allow('webhook')));
    c.register('late', gate(200.5, allow('late')));
    c.register('first', gate(-10, allow('first')));
    assert.deepEqual(await c.decide(query()), { allow: true, path: 'live/stage' });
    assert.deepEqual(asked, ['first', 'webhook', 'auth-local', 'zeta', 'late']);
    assert.deepEqual(c.list().map((g) => g.id), asked);
  });

  it('the first deny ends the chain with its gate and reason; later gates are not asked', async () => {
    const { c, refusals } = chain();
    const asked: string[] = [];
    c.register('auth-local', gate(100, () => (asked.push('auth-local'), { allow: true })));
    c.register('webhook', gate(50, () => (asked.push('webhook'), { allow: false, reason: 'not on the schedule\nsecond line' })));
    const out = await c.decide(query());
    assert.deepEqual(out, { allow: false, code: 'GATE_DENIED', gate: 'webhook', reason: 'not on the schedule second line' });
    assert.deepEqual(asked, ['webhook']);
    assert.equal(refusals.length, 1);
    assert.equal(refusals[0]!.req.ip, '192.0.2.7');
  });

  it('a gate only takes part in its actions; a later gate sees the path an earlier one mapped', async () => {
    const { c } = chain();
    const seen: string[] = [];
    c.register('mapper', gate(100, (r) => ({ allow: true, path: r.name === 'k3y-k3y-k3y-k3y-k3y' ? 'live/stage' : r.path })));
    c.register('after', gate(150, (r) => (seen.push(`${r.action} ${r.path} ${r.key ?? '-'} ${r.token ?? '-'}`), { allow: true })));
    c.register('publish-only', gate(10, () => ({ allow: false, reason: 'no' }), { actions: ['publish'] }));
    assert.deepEqual(await c.decide(query({ action: 'play', name: 'k3y-k3y-k3y-k3y-k3y', query: { token: 't' } })), { allow: true, path: 'live/stage' });
    assert.deepEqual(seen, ['play live/stage - t']);
    assert.equal((await c.decide(query())).allow, false);
  });

  it('a mapped path that is not a valid stream path is the gate failing', async () => {
    const { c } = chain();
    c.register('bad', gate(1, () => ({ allow: true, path: '../etc' })));
    const out = await c.decide(query());
    assert.ok(!out.allow && out.code === 'GATE_FAILED' && out.gate === 'bad', JSON.stringify(out));
  });

  it('a restarted plugin re-registering its gate replaces it', async () => {
    const { c } = chain();
    c.register('p', gate(1, () => ({ allow: false, reason: 'old' })));
    c.register('p', gate(2, () => ({ allow: true })));
    assert.equal(c.list().length, 1);
    assert.equal((await c.decide(query())).allow, true);
  });
});

describe('GateChain: gates that cannot decide', () => {
  it('a gate that does not answer within its timeout answers its default: deny (named), or allow when it chose so', async () => {
    const { c } = chain();
    let aborted: unknown;
    c.register('slow', gate(1, (_r, signal) => new Promise(() => signal.addEventListener('abort', () => (aborted = signal.reason))), { timeoutMs: 30 }));
    const t0 = Date.now();
    const out = await c.decide(query());
    assert.ok(Date.now() - t0 < 2000);
    assert.deepEqual(out, { allow: false, code: 'GATE_TIMEOUT', gate: 'slow', reason: 'did not answer within 30 ms (a gate that cannot decide refuses)' });
    assert.match(String(aborted), /did not answer within 30 ms/, 'its signal aborted');
    const open = chain().c;
    open.register('slow', gate(1, () => new Promise(() => undefined), { timeoutMs: 30, onError: 'allow' }));
    assert.deepEqual(await open.decide(query()), { allow: true, path: 'live/stage' });
  });

  it('a gate that throws (or answers nonsense) answers its default', async () => {
    const { c } = chain();
    c.register('boom', gate(1, () => {
      throw new Error('database is locked');
    }));
    const out = await c.decide(query());
    assert.ok(!out.allow && out.code === 'GATE_FAILED' && out.gate === 'boom' && /database is locked/.test(out.reason), JSON.stringify(out));
    const lenient = chain().c;
    lenient.register('boom', gate(1, () => Promise.reject(new Error('x')), { onError: 'allow' }));
    lenient.register('nonsense', gate(2, () => ({ yes: 1 }) as never));
    const n = await lenient.decide(query());
    assert.ok(!n.allow && n.gate === 'nonsense' && /neither/.test(n.reason));
  });

  it('a failed plugin’s gate answers its default; a disabled plugin’s gate is left out', async () => {
    const states: Record<string, 'running' | 'failed' | 'absent'> = { cb: 'failed', old: 'absent' };
    const { c } = chain({ ownerState: (o) => states[o] ?? 'running' });
    c.register('cb', gate(1, () => ({ allow: true })));
    c.register('old', gate(2, () => ({ allow: false, reason: 'never asked' })));
    const out = await c.decide(query());
    assert.ok(!out.allow && out.gate === 'cb' && /plugin cb has failed/.test(out.reason));
    states['cb'] = 'running';
    assert.equal((await c.decide(query())).allow, true);
  });

  it('refuses bad definitions when they are registered', () => {
    const { c } = chain();
    assert.throws(() => c.register('p', gate(Number.NaN, () => ({ allow: true }))), { code: 'PLUGIN_SETUP_FAILED' });
    assert.throws(() => c.register('p', gate(1, () => ({ allow: true }), { timeoutMs: 60_000 })), /timeoutMs must be 10…30000/);
    assert.throws(() => c.register('p', gate(1, () => ({ allow: true }), { actions: [] })), /actions/);
    assert.throws(() => c.register('p', gate(1, () => ({ allow: true }), { onError: 'maybe' as never })), /onError/);
  });
});

describe('GateChain: fail closed, bounds, names', () => {
  it('with no auth plugin running refuses everything, unless lab mode (then the other gates still decide)', async () => {
    const closed = chain({ auth: { available: false, labMode: false } }).c;
    closed.register('cb', gate(1, () => ({ allow: true })));
    const out = await closed.decide(query());
    assert.ok(!out.allow && out.code === 'AUTH_UNAVAILABLE' && out.gate === 'core');
    const lab = chain({ auth: { available: false, labMode: true } }).c;
    assert.equal((await lab.decide(query())).allow, true, 'lab mode with no gate: open');
    lab.register('cb', gate(1, () => ({ allow: false, reason: 'callback says no' })));
    assert.equal((await lab.decide(query())).allow, false);
    const noGate = chain().c;
    const none = await noGate.decide(query());
    assert.ok(!none.allow && none.code === 'AUTH_UNAVAILABLE' && /no publish gate/.test(none.reason), 'a provider but no gate: nobody vouched');
  });

  it('refuses bad names before any gate sees them', async () => {
    const { c } = chain();
    let asked = 0;
    c.register('g', gate(1, () => (asked++, { allow: true })));
    for (const name of ['', '..', 'a/../../b']) {
      const out = await c.decide(query({ name }));
      assert.ok(!out.allow && out.code === 'BAD_NAME', name);
    }
    assert.equal(asked, 0);
  });

  it('bounds decisions in flight: beyond maxPending it refuses at once', async () => {
    const { c } = chain({ maxPending: 2 });
    const release: Array<() => void> = [];
    c.register('slow', gate(1, () => new Promise((r) => release.push(() => r({ allow: true })))));
    const a = c.decide(query());
    const b = c.decide(query());
    const third = await c.decide(query());
    assert.ok(!third.allow && third.code === 'GATES_BUSY');
    await new Promise((r) => setImmediate(r));
    for (const r of release) r();
    assert.deepEqual([(await a).allow, (await b).allow], [true, true]);
    assert.equal((await c.decide(query({ name: 'x' }))).allow, false, 'the slot is free again, the gate is asked (and never answers here)');
  });

  it('reasons are one bounded line; addresses lose their port', () => {
    assert.equal(cleanReason('a\r\nb\u0000c'), 'a b c');
    assert.equal(cleanReason('x'.repeat(1000)).length, 300);
    assert.equal(cleanReason(''), 'refused');
    assert.equal(ipOf('[::ffff:10.0.0.5]:1935'), '10.0.0.5');
    assert.equal(ipOf('::1:1935'), '::1');
    assert.equal(ipOf('10.0.0.5:1'), '10.0.0.5');
  });
});

describe('RefusalRecorder', () => {
  const req = (name: string): GateRequest => ({ ...query({ name }), path: `live/${name}`, ip: '192.0.2.7' });
  const no = { allow: false as const, code: 'GATE_DENIED' as const, gate: 'http-callback', reason: 'not scheduled' };

  it('records stream.<action>.refused naming the gate and reason; a key-like name only as its fingerprint', () => {
    const events: EventInit[] = [];
    const r = new RefusalRecorder({ record: (e) => void events.push(e), log: silentLogger() });
    r.refused(req('stage'), no);
    r.refused(req('AbCdEfGhIjKlMnOpQrStUvWxYz012345'), no);
    assert.equal(events[0]!.type, 'stream.publish.refused');
    assert.equal(events[0]!.stream, 'live/stage');
    assert.deepEqual([events[0]!.data!['gate'], events[0]!.data!['reason']], ['http-callback', 'not scheduled']);
    assert.match(events[0]!.message, /refused by http-callback: not scheduled/);
    assert.equal(events[1]!.stream, undefined);
    assert.ok(!JSON.stringify(events[1]).includes('AbCdEfGh'));
  });

  it('a flood of refusals records a bounded number of events and says how many were left out', () => {
    const events: EventInit[] = [];
    let now = 0;
    const r = new RefusalRecorder({ record: (e) => void events.push(e), log: silentLogger(), maxPerWindow: 5, windowMs: 1000, now: () => now });
    for (let i = 0; i < 100; i++) r.refused(req('stage'), no);
    assert.equal(events.length, 5);
    now = 1500;
    r.refused(req('stage'), no);
    assert.equal(events.length, 6);
    assert.equal(events[5]!.data!['notRecordedBefore'], 95);
  });
});
