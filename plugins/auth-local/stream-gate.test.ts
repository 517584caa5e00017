import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

const { authHarness } = await import('./testing/auth-harness.js');
const { hostOf, maskName } = await import('./stream-gate.js');
const { signPlaybackToken, verifyPlaybackToken } = await import('./playback-token.js');
type Harness = Awaited<ReturnType<typeof authHarness>>;

const stream = (app: string, name: string, query: Record<string, string> = {}, remote = '192.0.2.10:50000', action?: 'publish' | 'read') => ({
  type: 'stream' as const,
  app,
  name,
  query,
  remote,
  ...(action && { action }),
});

async function decide(h: Harness, app: string, name: string, action: 'publish' | 'read', query: Record<string, string> = {}, remote?: string) {
  const p = await h.s.provider.authenticate(stream(app, name, query, remote, action));
  const path = p?.streamPath ?? `${app}/${name}`;
  return { path, allowed: await h.s.provider.authorize(p!, `stream:${path}`, action) };
}

describe('StreamGate: stream keys and playback', () => {
  it('OBS style: the key as the stream name maps to its stream; ?key= works too', async () => {
    const h = await authHarness();
    try {
      const { key } = h.s.streamKeys.create('live/stage');
      assert.match(key, /^[A-Za-z0-9_-]{32}$/, '192 bits, base64url');
      assert.deepEqual(await decide(h, 'live', key, 'publish'), { path: 'live/stage', allowed: true });
      assert.deepEqual(await decide(h, 'live', 'stage', 'publish', { key }), { path: 'live/stage', allowed: true });
      // The same key under another app is refused, and only its fingerprint is recorded.
      await assert.rejects(() => decide(h, 'other', key, 'publish'), { code: 'AUTHENTICATION_FAILED' });
      const refused = JSON.stringify([h.s.audit.list({ action: 'publish.refused' }), h.events]);
      assert.ok(!refused.includes(key) && !refused.includes(key.slice(0, 4)), 'no part of the key is recorded');
      assert.ok(refused.includes(h.s.streamKeys.get('live/stage')!.fingerprint), 'its fingerprint is');
      assert.equal(h.raw.prepare('SELECT key_hash FROM auth_local_stream_keys').get() !== undefined, true);
      assert.ok(!JSON.stringify(h.raw.prepare('SELECT * FROM auth_local_stream_keys').all()).includes(key), 'only the hash is stored');
    } finally {
      h.close();
    }
  });

  it('refuses a missing or wrong key, audits it without the key, and records publish.refused', async () => {
    const h = await authHarness();
    try {
      const { key } = h.s.streamKeys.create('live/stage');
      assert.equal((await decide(h, 'live', 'stage', 'publish')).allowed, false);
      await assert.rejects(() => h.s.provider.authenticate(stream('live', 'stage', { key: key.replace(/^./, key[0] === 'A' ? 'B' : 'A') })), { code: 'AUTHENTICATION_FAILED' });
      const wrong = 'x'.repeat(32);
      assert.equal((await decide(h, 'live', wrong, 'publish')).allowed, false);
      const audit = h.s.audit.list({ action: 'publish.refused' });
      assert.equal(audit.length, 3);
      assert.equal(audit[0]!.ip, '192.0.2.10', 'the IP without the port');
      assert.ok(!JSON.stringify(audit).includes(wrong) && !JSON.stringify(audit).includes(key), 'keys never reach the audit log');
      // The event (`stream.publish.refused`, naming the gate and the reason) is the gate chain's: see core/gates.
      assert.equal(h.events.length, 0);
    } finally {
      h.close();
    }
  });

  it('rotation: the old key stops working at once, the new one works', async () => {
    const h = await authHarness();
    try {
      const { key: old } = h.s.streamKeys.create('live/stage');
      const { key: fresh, info } = h.s.streamKeys.rotate('live/stage');
      assert.notEqual(fresh, old);
      assert.equal(info.fingerprint.length, 8);
      assert.equal((await decide(h, 'live', old, 'publish')).allowed, false);
      assert.equal((await decide(h, 'live', fresh, 'publish')).allowed, true);
    } finally {
      h.close();
    }
  });

  it('publishAuth open: anyone may publish; keys still map', async () => {
    const h = await authHarness({ config: { publishAuth: 'open' } });
    try {
      const { key } = h.s.streamKeys.create('live/stage');
      assert.deepEqual(await decide(h, 'live', 'anything', 'publish'), { path: 'live/anything', allowed: true });
      assert.deepEqual(await decide(h, 'live', key, 'publish'), { path: 'live/stage', allowed: true });
    } finally {
      h.close();
    }
  });

  it('playback: public by default; protected streams need a valid, unexpired token for that path', async () => {
    const h = await authHarness();
    try {
      h.s.streamKeys.create('live/stage');
      h.s.streamKeys.create('live/vip', true);
      assert.equal((await decide(h, 'live', 'stage', 'read')).allowed, true);
      assert.equal((await decide(h, 'live', 'not-configured', 'read')).allowed, true);
      assert.equal((await decide(h, 'live', 'vip', 'read')).allowed, false);
      const exp = Math.floor(h.clock.now / 1000) + 60;
      const token = signPlaybackToken(h.s.boxKeys.playback, 'live/vip', exp);
      assert.equal((await decide(h, 'live', 'vip', 'read', { token })).allowed, true);
      const forStage = signPlaybackToken(h.s.boxKeys.playback, 'live/stage', exp);
      await assert.rejects(() => decide(h, 'live', 'vip', 'read', { token: forStage }), { code: 'AUTHENTICATION_FAILED' });
      assert.equal((await decide(h, 'live', 'stage', 'read', { token: 'stale-garbage' })).allowed, true, 'a token on a public stream is ignored');
      h.clock.advance(60_000);
      await assert.rejects(() => decide(h, 'live', 'vip', 'read', { token }), /invalid, expired or revoked/);
      assert.equal(verifyPlaybackToken(h.s.boxKeys.playback, token.replace('v2.0.', 'v2.1.'), 'live/vip', 0, 1), false, 'the epoch is signed');
    } finally {
      h.close();
    }
  });

  it('per IP: 10 refusals block the address (RateLimited), other addresses are not affected', async () => {
    const h = await authHarness({ config: { publishFailuresBeforeBlock: 10, publishAttemptsPerMinute: 1000 } });
    try {
      const { key } = h.s.streamKeys.create('live/stage');
      for (let i = 0; i < 11; i++) assert.equal((await decide(h, 'live', 'stage', 'publish', {}, `198.51.100.7:${4000 + i}`)).allowed, false);
      await assert.rejects(() => decide(h, 'live', key, 'publish', {}, '198.51.100.7:5000'), { code: 'RATE_LIMITED' });
      assert.equal((await decide(h, 'live', key, 'publish', {}, '198.51.100.8:5000')).allowed, true);
      assert.equal(h.s.audit.list({ action: 'publish.blocked' }).length, 1);
      h.clock.advance(600_000);
      assert.equal((await decide(h, 'live', key, 'publish', {}, '198.51.100.7:5001')).allowed, true, 'the block ends');
    } finally {
      h.close();
    }
  });

  it('revocation: a new epoch voids every link issued before; new links work', async () => {
    const h = await authHarness();
    try {
      h.s.streamKeys.create('live/vip', true);
      const exp = Math.floor(h.clock.now / 1000) + 3600;
      const old = signPlaybackToken(h.s.boxKeys.playback, 'live/vip', exp, 0);
      assert.equal((await decide(h, 'live', 'vip', 'read', { token: old })).allowed, true);
      const info = h.s.streamKeys.revokePlayback('live/vip');
      assert.equal(info.playbackEpoch, 1);
      await assert.rejects(() => decide(h, 'live', 'vip', 'read', { token: old }), /revoked/);
      const fresh = signPlaybackToken(h.s.boxKeys.playback, 'live/vip', exp, info.playbackEpoch);
      assert.equal((await decide(h, 'live', 'vip', 'read', { token: fresh })).allowed, true);
      assert.throws(() => h.s.streamKeys.delete('live/vip'), { code: 'CONFLICT' }, 'a protected stream keeps its key row (and so its protection)');
    } finally {
      h.close();
    }
  });

  it('viewing and publishing have separate budgets: wrong ?key=/?token= on playback never block publishing', async () => {
    const h = await authHarness({ config: { publishFailuresBeforeBlock: 10, viewFailuresBeforeBlock: 19, publishAttemptsPerMinute: 1000 } });
    try {
      const { key } = h.s.streamKeys.create('live/stage');
      h.s.streamKeys.create('live/vip', true);
      const ip = '198.51.100.9';
      for (let i = 0; i < 10; i++) {
        await assert.rejects(() => decide(h, 'live', 'stage', 'read', { key: 'w'.repeat(32) }, `${ip}:${4000 + i}`), { code: 'AUTHENTICATION_FAILED' });
        await assert.rejects(() => decide(h, 'live', 'vip', 'read', { token: `v2.0.9999999999.${'a'.repeat(43)}` }, `${ip}:${5000 + i}`), { code: 'AUTHENTICATION_FAILED' });
      }
      assert.deepEqual(await decide(h, 'live', key, 'publish', {}, `${ip}:6000`), { path: 'live/stage', allowed: true });
      // Past the viewing budget, credentialed plays from that address wait; publishing still works.
      await assert.rejects(() => decide(h, 'live', 'vip', 'read', { token: 'x' }, `${ip}:6001`), { code: 'RATE_LIMITED' });
      assert.equal((await decide(h, 'live', 'stage', 'read', {}, `${ip}:6002`)).allowed, true, 'public playback is never blocked');
      assert.deepEqual(await decide(h, 'live', 'stage', 'publish', { key }, `${ip}:6003`), { path: 'live/stage', allowed: true });
      assert.equal(h.s.audit.list({ action: 'play.blocked' }).length, 1);
    } finally {
      h.close();
    }
  });

  it('per IP: at most publishAttemptsPerMinute attempts, even with the right key', async () => {
    const h = await authHarness({ config: { publishAttemptsPerMinute: 3 } });
    try {
      const { key } = h.s.streamKeys.create('live/stage');
      for (let i = 0; i < 3; i++) assert.equal((await decide(h, 'live', key, 'publish')).allowed, true);
      await assert.rejects(() => decide(h, 'live', key, 'publish'), { code: 'RATE_LIMITED' });
    } finally {
      h.close();
    }
  });

  it('hostOf strips the port (IPv4, IPv6, IPv4-mapped); maskName hides key-like names', () => {
    assert.equal(hostOf('10.0.0.5:51234'), '10.0.0.5');
    assert.equal(hostOf('::1:51234'), '::1');
    assert.equal(hostOf('::ffff:10.0.0.5:1935'), '10.0.0.5');
    assert.equal(hostOf('10.0.0.5'), '10.0.0.5');
    assert.equal(hostOf(undefined), 'unknown');
    assert.equal(maskName('stage'), 'stage');
    assert.equal(maskName('abcdefghijklmnopqrstuvwxyz012345'), 'key#653bb124', 'the first 8 hex of its SHA-256, nothing of the key');
  });
});
