import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuthUnavailableError } from '../errors/xlive-error.js';
import type { AuthProvider } from '../sdk/auth.js';
import { AuthAvailability } from './auth-availability.js';
import { AuthRegistry, OPEN_PRINCIPAL } from './auth-registry.js';

const denyAll: AuthProvider = {
  name: 'deny',
  authenticate: async () => ({ id: 'u', kind: 'user', scopes: [] }),
  authorize: async () => false,
};

describe('AuthRegistry fails closed', () => {
  it('with no provider refuses authenticate and authorize; lab mode opens with every scope', async () => {
    const closed = new AuthRegistry({ labMode: false });
    await assert.rejects(closed.authenticate({ type: 'anonymous' }), AuthUnavailableError);
    await assert.rejects(closed.authorize(OPEN_PRINCIPAL, 'stream:live/x', 'publish'), AuthUnavailableError);
    assert.deepEqual([closed.available, closed.open], [false, false]);
    const lab = new AuthRegistry({ labMode: true });
    assert.equal(await lab.authenticate({ type: 'stream', app: 'live', name: 'x', query: {} }), OPEN_PRINCIPAL);
    assert.equal(await lab.authorize(OPEN_PRINCIPAL, 'stream:live/x', 'publish'), true);
    assert.equal(lab.open, true);
  });

  it('asks a provider only while its plugin runs', async () => {
    let running = true;
    const r = new AuthRegistry({ labMode: true, isRunning: (owner) => owner === 'auth-x' && running });
    r.register(denyAll, 'auth-x');
    assert.equal(await r.authorize(OPEN_PRINCIPAL, 'stream:live/x', 'publish'), false);
    assert.deepEqual(r.runningOwners(), ['auth-x']);
    running = false; // the plugin failed or stopped: its provider is not asked, lab mode applies
    assert.equal(r.available, false);
    assert.equal(await r.authorize(OPEN_PRINCIPAL, 'stream:live/x', 'publish'), true);
    const strict = new AuthRegistry({ labMode: false, isRunning: () => false });
    strict.register(denyAll, 'auth-x');
    await assert.rejects(strict.authenticate({ type: 'anonymous' }), AuthUnavailableError);
  });
});

describe('AuthAvailability', () => {
  const plugin = (state: string, error: { code: string; message: string } | null = null) => [{ id: 'auth-local', kinds: ['auth' as const], state, error }];

  it('explains a failed plugin to the operator with its error, to strangers with its code only', async () => {
    const a = new AuthAvailability({ registry: new AuthRegistry({ labMode: false }), plugins: () => plugin('failed', { code: 'PLUGIN_SETUP_FAILED', message: 'FILE_DAMAGED: /var/lib/xlive/plugin-data/auth-local/jwt-secret is damaged' }) });
    assert.equal(a.mode(), 'closed');
    const h = await a.healthCheck().check();
    assert.equal(h.status, 'fail');
    assert.match(h.message!, /jwt-secret is damaged.*Fix: .*XLIVE_AUTH_LAB_MODE=1/);
    assert.match(h.publicMessage!, /auth-local failed \(PLUGIN_SETUP_FAILED\)/);
    assert.ok(!h.publicMessage!.includes('/var/lib'));
    const lines: string[] = [];
    a.logAtStart({ warn: (m) => lines.push(`warn ${m}`), error: (m) => lines.push(`error ${m}`) });
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^error auth unavailable, the box FAILS CLOSED.*jwt-secret is damaged/);
  });

  it('warns at every start in lab mode, whether or not a provider runs', () => {
    for (const running of [false, true]) {
      const r = new AuthRegistry({ labMode: true, isRunning: () => running });
      r.register(denyAll, 'auth-local');
      const a = new AuthAvailability({ registry: r, plugins: () => plugin(running ? 'running' : 'disabled'), labModeOrigin: 'env XLIVE_AUTH_LAB_MODE' });
      const lines: string[] = [];
      a.logAtStart({ warn: (m) => lines.push(m), error: (m) => lines.push(m) });
      assert.equal(lines.length, 1);
      assert.match(lines[0]!, running ? /^AUTH LAB MODE \(from env XLIVE_AUTH_LAB_MODE\): auth is enforced by auth-local now/ : /^AUTH LAB MODE .* OPEN to anyone/);
    }
  });
});
