import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PluginError } from '../errors/xlive-error.js';
import type { PluginPermission } from '../sdk/plugin.js';
import { PluginEnablement } from './plugin-enablement.js';

function setup(forcedOff: string[] = []) {
  const state = new Map<string, boolean>();
  const consent = new Map<string, { permissions: string[] }>();
  const events: string[] = [];
  const e = new PluginEnablement({
    state: { get: (id) => state.get(id), set: (id, v) => void state.set(id, v) },
    consent: { get: (id) => consent.get(id), set: (id, _v, p) => void consent.set(id, { permissions: [...p] }) },
    forcedOff,
    record: (m) => void events.push(m),
  });
  return { e, state, consent, events };
}
const who = { actor: 'user:admin', ip: '127.0.0.1' };
const m = (source: 'builtin' | 'external', permissions: PluginPermission[], version = '1.0.0') => ({ id: 'p', version, source, permissions, enabledByDefault: true });

describe('PluginEnablement', () => {
  it('built-in plugins follow the saved state, else their manifest default, and need no consent', () => {
    const { e } = setup();
    assert.equal(e.isEnabled(m('builtin', ['http'])), true);
    e.set(m('builtin', ['http']), false, who);
    assert.equal(e.isEnabled(m('builtin', ['http'])), false);
    e.set(m('builtin', ['http']), true, who);
    assert.deepEqual(e.consent(m('builtin', ['http'])).consentRequired, false);
  });

  it('an external plugin is disabled until enabled with exactly its permissions; more permissions later need consent again', () => {
    const { e, events } = setup();
    const v1 = m('external', ['http', 'http:public']);
    assert.equal(e.isEnabled(v1), false);
    assert.equal(e.consent(v1).consentPending, true);
    for (const bad of [undefined, ['http'], ['http', 'http:public', 'net:listen'], ['http', 'http', 'http:public'], 'http']) {
      assert.throws(() => e.set(v1, true, who, bad), (err: PluginError) => err.code === 'PLUGIN_CONSENT_REQUIRED' && JSON.stringify(err.details?.['permissions']) === '["http","http:public"]');
    }
    e.set(v1, true, who, ['http:public', 'http']);
    assert.equal(e.isEnabled(v1), true);
    assert.match(events.at(-1)!, /enabled with consent to \[http, http:public\]/);
    assert.equal(e.isEnabled(m('external', ['http'], '1.0.1')), true, 'fewer permissions keep the consent');
    const v2 = m('external', ['http', 'http:public', 'streams:read'], '2.0.0');
    assert.equal(e.isEnabled(v2), false);
    assert.equal(e.consent(v2).consentPending, true);
    e.set(v2, false, who);
    assert.equal(e.isEnabled(v1), false, 'disabled is disabled');
  });

  it('config pluginHost.disable wins', () => {
    const { e } = setup(['p']);
    e.set(m('external', []), true, who, []);
    assert.equal(e.isEnabled(m('external', [])), false);
    assert.equal(e.isEnabled(m('builtin', [])), false);
  });
});
