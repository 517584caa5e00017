import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { composeAppliance } from '../../appliance/composition-root.js';
import type { Appliance } from '../../appliance/appliance.js';
import { TOKENS } from '../../core/container/tokens.js';
import type { XliveApp } from '../../core/http/http-app.js';
import type { SecuredRouter } from '../../core/http/secured-router.js';

/**
 * Enumerates the real router of a fully started appliance (all built-in plugins): every route must have
 * been added with an access policy, and every /api/v1 route must state a scope or be explicitly public.
 */
describe('every route has an access policy', () => {
  let dir: string;
  let appliance: Appliance;
  let app: XliveApp;
  let router: SecuredRouter;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'xlive-routes-'));
    const env = { XLIVE_DATA_DIR: dir, XLIVE_HTTP_HOST: '127.0.0.1', XLIVE_HTTP_PORT: '0', XLIVE_RTMP_HOST: '127.0.0.1', XLIVE_RTMP_PORT: '0', XLIVE_LOG_LEVEL: 'silent' };
    const composed = composeAppliance({ cwd: dir, env });
    appliance = composed.appliance;
    await appliance.start();
    app = composed.container.resolve<XliveApp>(TOKENS.HttpApp);
    router = composed.container.resolve<SecuredRouter>(TOKENS.Router);
  });
  after(async () => {
    await appliance?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds a policy for each method and path the app answers', () => {
    const routes = app.routes.filter((r) => r.method !== 'ALL');
    assert.ok(routes.length > 8, 'the router has routes');
    const missing = routes.filter((r) => !router.policies.find(r.method, r.path)).map((r) => `${r.method} ${r.path}`);
    assert.deepEqual([...new Set(missing)], [], 'routes without a policy');
  });

  it('states a scope or public on every /api/v1 route', () => {
    const vague = router.policies.entries.filter((e) => e.path.startsWith('/api/') && e.policy.kind === 'authenticated');
    assert.deepEqual(vague.map((e) => `${e.method} ${e.path} (${e.owner})`), []);
  });
});
