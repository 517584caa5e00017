/**
 * Every route of the fully started appliance (all built-in plugins, auth-local included), taken from
 * the real router's policy table: without credentials a guarded route answers 401 (problem+json,
 * WWW-Authenticate), a public one does not; with an API token lacking the route's scope, 403. The
 * routes of core and auth-local are also compared with the policies they are meant to have.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { composeAppliance } from '../../appliance/composition-root.js';
import type { Appliance } from '../../appliance/appliance.js';
import { TOKENS } from '../../core/container/tokens.js';
import type { HttpServer } from '../../core/http/http-server.js';
import type { SecuredRouter } from '../../core/http/secured-router.js';
import { API_SCOPES } from '../../core/sdk/auth.js';
import { call, makeToken, signIn, type Creds } from '../../plugins/auth-local/testing/http-client.js';

/** The intended policy of each core and auth-local route: 'public' or the scope. */
const EXPECTED: Record<string, string> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /': 'public',
  'GET /panel/:file': 'public',
  'GET /api/v1/version': 'public',
  'GET /api/v1/openapi.json': 'public',
  'GET /api/v1/plugins': 'system:read',
  'GET /api/v1/plugins/:id': 'system:read',
  'PATCH /api/v1/plugins/:id': 'plugins:admin',
  'POST /api/v1/plugins': 'plugins:admin',
  'DELETE /api/v1/plugins/:id': 'plugins:admin',
  'GET /api/v1/config': 'system:read',
  'PATCH /api/v1/config': 'system:admin',
  'PUT /api/v1/plugins/:id/config': 'plugins:admin',
  'PATCH /api/v1/plugins/:id/config': 'plugins:admin',
  'POST /api/v1/plugins/:id/restart': 'plugins:admin',
  'GET /api/v1/streams': 'streams:read',
  'GET /api/v1/streams/:app/:name': 'streams:read',
  'DELETE /api/v1/streams/:app/:name': 'streams:write',
  'GET /api/v1/streams/:app/:name/history': 'streams:read',
  'POST /api/v1/streams/:app/:name/recording': 'recordings:write',
  'DELETE /api/v1/streams/:app/:name/recording': 'recordings:write',
  'GET /api/v1/events': 'system:read',
  'POST /api/v1/updates': 'system:admin',
  'GET /api/v1/updates': 'system:read',
  'GET /api/v1/updates/:id': 'system:read',
  'GET /api/v1/system/box': 'system:read',
  'PUT /api/v1/system/box': 'system:admin',
  'GET /api/v1/system/timezones': 'system:read',
  'GET /api/v1/logs': 'system:read',
  'POST /api/v1/system/restart': 'system:admin',
  'GET /api/v1/system/backup': 'system:admin',
  'POST /api/v1/system/restore': 'system:admin',
  'GET /api/v1/setup': 'public',
  'POST /api/v1/setup': 'public',
  'GET /api/v1/session': 'public',
  'POST /api/v1/session': 'public',
  'DELETE /api/v1/session': 'public',
  'DELETE /api/v1/sessions': 'system:read',
  'GET /api/v1/users': 'users:admin',
  'POST /api/v1/users': 'users:admin',
  'GET /api/v1/users/:id': 'users:admin',
  'PATCH /api/v1/users/:id': 'users:admin',
  'DELETE /api/v1/users/:id': 'users:admin',
  'GET /api/v1/tokens': 'system:admin',
  'POST /api/v1/tokens': 'system:admin',
  'DELETE /api/v1/tokens/:id': 'system:admin',
  'GET /api/v1/stream-keys': 'streams:read',
  'POST /api/v1/stream-keys': 'streams:write',
  'POST /api/v1/stream-keys/:app/:name/rotation': 'streams:write',
  'PATCH /api/v1/stream-keys/:app/:name': 'streams:write',
  'DELETE /api/v1/stream-keys/:app/:name': 'streams:write',
  'POST /api/v1/stream-keys/:app/:name/playback-revocation': 'streams:write',
  'POST /api/v1/playback-tokens': 'streams:read',
  'GET /api/v1/audit': 'system:admin',
};

/** A concrete URL for a route pattern (`:param` and `*` filled in). */
const concrete = (path: string) => path.replace(/:[A-Za-z]+/g, 'x1').replace(/\*/g, 'x1');

describe('auth: every route checked for its required scope', () => {
  let dir: string;
  let appliance: Appliance;
  let router: SecuredRouter;
  let base: string;
  let admin: Creds;
  const lacking = new Map<string, string>();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'xlive-auth-scopes-'));
    const env = {
      XLIVE_DATA_DIR: dir,
      XLIVE_HTTP_HOST: '127.0.0.1',
      XLIVE_HTTP_PORT: '0',
      XLIVE_RTMP_HOST: '127.0.0.1',
      XLIVE_RTMP_PORT: '0',
      XLIVE_LOG_LEVEL: 'silent',
      XLIVE_AUTH_LOCAL_FAILURE_DELAY_MAX_MS: '0',
      XLIVE_AUTH_LOCAL_FAILURE_DELAY_MIN_MS: '0',
    };
    const composed = composeAppliance({ cwd: dir, env });
    appliance = composed.appliance;
    await appliance.start();
    router = composed.container.resolve<SecuredRouter>(TOKENS.Router);
    base = `http://127.0.0.1:${composed.container.resolve<HttpServer>(TOKENS.HttpServer).port}`;
    admin = await signIn(base, 'admin', 'correct horse battery');
    // One token per scope, carrying every scope but that one.
    for (const scope of API_SCOPES) lacking.set(scope, (await makeToken(base, admin, API_SCOPES.filter((s) => s !== scope))).token);
  });

  after(async () => {
    await appliance?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('core and auth-local routes carry the intended policies', () => {
    const actual: Record<string, string> = {};
    for (const e of router.policies.entries.filter((x) => x.owner === 'core' || x.owner === 'auth-local')) {
      actual[`${e.method} ${e.path}`] = e.policy.kind === 'scope' ? e.policy.scope : e.policy.kind;
    }
    assert.deepEqual(actual, EXPECTED);
  });

  it('no route anywhere is merely "authenticated": each is public or names a scope from API_SCOPES', () => {
    for (const e of router.policies.entries) {
      assert.notEqual(e.policy.kind, 'authenticated', `${e.method} ${e.path} (${e.owner})`);
      if (e.policy.kind === 'scope') assert.ok((API_SCOPES as readonly string[]).includes(e.policy.scope), `${e.method} ${e.path}: unknown scope ${e.policy.scope}`);
    }
  });

  it('without credentials: 401 problem+json with WWW-Authenticate on guarded routes, never on public ones', async () => {
    for (const e of router.policies.entries) {
      const r = await call(base, e.method, concrete(e.path));
      const what = `${e.method} ${e.path} (${e.owner}) → ${r.status}`;
      if (e.policy.kind === 'public') {
        assert.ok(r.status !== 401 && r.status !== 403, what);
      } else {
        assert.equal(r.status, 401, what);
        assert.equal(r.headers.get('content-type'), 'application/problem+json', what);
        assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer realm="xlive"/, what);
      }
    }
  });

  it('with a token lacking the scope: 403 problem+json naming the scope', async () => {
    for (const e of router.policies.entries) {
      if (e.policy.kind !== 'scope') continue;
      const r = await call(base, e.method, concrete(e.path), { token: lacking.get(e.policy.scope)! });
      const what = `${e.method} ${e.path} (${e.owner}) → ${r.status}`;
      assert.equal(r.status, 403, what);
      assert.equal(r.headers.get('content-type'), 'application/problem+json', what);
      assert.equal(r.body['requiredScope'], e.policy.scope, what);
    }
  });

  it('with a token holding the scope, the guard lets the call through', async () => {
    const all = (await makeToken(base, admin, API_SCOPES)).token;
    for (const e of router.policies.entries) {
      if (e.policy.kind !== 'scope') continue;
      const r = await call(base, e.method, concrete(e.path), { token: all });
      // The handler may still refuse (404 for the made-up ids, 403 "only a signed-in user" for logout-everywhere).
      assert.notEqual(r.status, 401, `${e.method} ${e.path}`);
      if (r.status === 403) assert.equal(`${e.method} ${e.path}`, 'DELETE /api/v1/sessions');
    }
  });
});
