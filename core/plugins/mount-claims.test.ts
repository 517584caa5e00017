import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PluginError } from '../errors/xlive-error.js';
import { readManifest } from './manifest.js';
import { MountClaims, prefixesOverlap, staticPrefix } from './mount-claims.js';

const CORE_ROUTES = ['/healthz', '/readyz', '/api/v1/version', '/api/v1/plugins', '/api/v1/plugins/:id', '/api/v1/streams', '/api/v1/streams/:app/:name', '/api/v1/events', '/', '/panel/:file'];
const BUILTIN_DIR = join(import.meta.dirname, '..', '..', 'plugins');
const builtins = () => readdirSync(BUILTIN_DIR).map((d) => readManifest(join(BUILTIN_DIR, d), 'builtin'));
const ext = (id: string, httpMounts: string[]) => ({ id, source: 'external' as const, httpMounts });

function refused(claims: MountClaims, m: ReturnType<typeof ext>, owner: RegExp): void {
  assert.throws(() => claims.claim(m), (e: PluginError) => e instanceof PluginError && e.code === 'PLUGIN_MOUNT_CONFLICT' && owner.test(e.message) && e.message.includes(m.id), m.httpMounts.join());
}

describe('MountClaims', () => {
  it('overlap and static prefixes', () => {
    assert.equal(prefixesOverlap('/api', '/api/v1/session'), true);
    assert.equal(prefixesOverlap('/api/v1/session', '/api/v1/sessions'), false);
    assert.equal(staticPrefix('/api/v1/plugins/:id'), '/api/v1/plugins');
    assert.equal(staticPrefix('/'), '/');
  });

  it('every first-party plugin claims its mounts', () => {
    const claims = new MountClaims(CORE_ROUTES);
    const all = builtins();
    claims.reserveBuiltins(all);
    for (const m of all) claims.claim(m);
  });

  it('refuses a third-party mount over the API, probes, metrics, panel, plugins namespace or another plugin; allows its own prefix', () => {
    const claims = new MountClaims(CORE_ROUTES);
    claims.reserveBuiltins(builtins());
    refused(claims, ext('a', ['/api/v1/session']), /of auth-local/);
    refused(claims, ext('b', ['/api']), /of (auth-local|core)/);
    refused(claims, ext('c', ['/healthz']), /\/healthz of core/);
    refused(claims, ext('d', ['/readyz/x']), /of core/);
    refused(claims, ext('e', ['/metrics']), /of metrics-prometheus/);
    refused(claims, ext('f', ['/panel']), /of core/);
    refused(claims, ext('g', ['/plugins']), /of core/);
    refused(claims, ext('h', ['/hls/live']), /\/hls of hls/);
    refused(claims, ext('i', ['/api/v2/anything']), /\/api of core/);
    claims.claim(ext('overlay', ['/overlay']));
    refused(claims, ext('overlay-2', ['/overlay/more']), /\/overlay of overlay/);
  });

  it('refuses a built-in mount that would cover a core route', () => {
    const claims = new MountClaims(CORE_ROUTES);
    assert.throws(() => claims.claim({ id: 'x', source: 'builtin', httpMounts: ['/api/v1'] }), /core routes can never be mounted/);
  });

  it('lets a built-in mount hold fully static core routes (system-health\'s /api/v1/system and core\'s /api/v1/system/restart), nothing more', () => {
    const claims = new MountClaims([...CORE_ROUTES, '/api/v1/system/restart', '/api/v1/system/backup']);
    claims.claim({ id: 'system-health', source: 'builtin', httpMounts: ['/api/v1/system'] });
    assert.throws(() => claims.claim({ id: 'y', source: 'builtin', httpMounts: ['/api/v1/streams'] }), /\/api\/v1\/streams of core/, 'a parametrised core route below');
    const fresh = () => new MountClaims([...CORE_ROUTES, '/api/v1/system/restart']);
    assert.throws(() => fresh().claim({ id: 'z', source: 'builtin', httpMounts: ['/api/v1/system/restart'] }), /core routes can never be mounted/, 'the core route itself');
    assert.throws(() => fresh().claim({ id: 'w', source: 'builtin', httpMounts: ['/api/v1/version/x'] }), /core routes can never be mounted/, 'inside a core route');
    const other = new MountClaims(['/api/v1/system/restart']);
    assert.throws(() => other.claim(ext('e', ['/api/v1/system'])), /PLUGIN_MOUNT_CONFLICT|may not mount/, 'never a third-party plugin');
  });
});
