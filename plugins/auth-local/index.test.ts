/** The plugin entry: manifest, wiring, and its routes' policies, in-process on the real HTTP app. */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const { createTestContext, findManifestDir } = await import('xlive/sdk/testing');
const { DEFAULT_CONFIG } = await import('./config.js');
const plugin = (await import('./index.js')).default;

const manifest = JSON.parse(readFileSync(join(findManifestDir(import.meta.url), 'package.json'), 'utf8')) as {
  xlive: { configSchema: { properties: Record<string, { default?: unknown; properties?: Record<string, { default?: unknown }> }> }; httpMounts: string[] };
};

function schemaDefaults(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(manifest.xlive.configSchema.properties)) {
    out[k] = v.properties ? Object.fromEntries(Object.entries(v.properties).map(([kk, vv]) => [kk, vv.default])) : v.default;
  }
  return out;
}

describe('auth-local plugin', () => {
  it('the manifest schema and DEFAULT_CONFIG state the same defaults', () => {
    assert.deepEqual(schemaDefaults(), JSON.parse(JSON.stringify(DEFAULT_CONFIG)));
  });

  it('registers its provider and routes; every route states public or a scope and lives under a mount', async () => {
    const t = createTestContext({ id: 'auth-local', manifestFrom: import.meta.url });
    try {
      const instance = plugin.setup(t.ctx);
      t.commit();
      await instance?.start?.();
      assert.equal(t.parts.auth.available, true);
      const routes = t.parts.routes.routes.filter((r) => r.owner === 'auth-local');
      assert.ok(routes.length >= 20);
      for (const r of routes) {
        assert.ok(r.options.public === true || typeof r.options.scope === 'string', `${r.method} ${r.path} states no policy`);
        assert.ok(manifest.xlive.httpMounts.some((m) => r.path === m || r.path.startsWith(m + '/')), `${r.path} is outside the mounts`);
      }
      const publicRoutes = routes.filter((r) => r.options.public).map((r) => `${r.method} ${r.path}`).sort();
      assert.deepEqual(publicRoutes, ['DELETE /api/v1/session', 'GET /api/v1/session', 'GET /api/v1/setup', 'POST /api/v1/session', 'POST /api/v1/setup']);
      const secret = join(t.ctx.paths.data, 'jwt-secret');
      assert.equal(statSync(secret).mode & 0o777, 0o600);
    } finally {
      t.release();
    }
  });

  it('over HTTP: setup, then the session cookie and CSRF guard a state-changing call', async () => {
    const t = createTestContext({ id: 'auth-local', manifestFrom: import.meta.url, config: { failureDelayMinMs: 0, failureDelayMaxMs: 0 } });
    plugin.setup(t.ctx);
    t.commit();
    const server = await t.serve();
    try {
      const setup = await fetch(`${server.url}/api/v1/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'correct horse battery' }) });
      assert.equal(setup.status, 201);
      const cookie = setup.headers.get('set-cookie')!;
      assert.match(cookie, /^xlive_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=4320\d$/);
      const { csrfToken } = (await setup.json()) as { csrfToken: string };
      const jar = cookie.split(';')[0]!;
      const post = (headers: Record<string, string>) =>
        fetch(`${server.url}/api/v1/stream-keys`, { method: 'POST', headers: { cookie: jar, 'content-type': 'application/json', ...headers }, body: '{"path":"live/stage"}' });
      assert.equal((await post({})).status, 403);
      assert.equal((await post({ 'x-csrf-token': 'nope' })).status, 403);
      assert.equal((await post({ 'x-csrf-token': csrfToken })).status, 201);
      const form = await fetch(`${server.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=admin&password=x' });
      assert.equal(form.status, 400, 'a cross-site form post cannot log in');
    } finally {
      await server.close();
      t.release();
    }
  });
});
