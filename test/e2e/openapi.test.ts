/**
 * The OpenAPI document and the request validation it describes, through the real box: the document
 * of a running box (with a third-party plugin) passes a real OpenAPI 3.1 validator and lists every
 * route the router answers, plugin routes included with their schemas; requests that break a
 * documented schema (path, query, body) are refused with 400 naming the field before the handler
 * runs; a plugin whose doc does not compile fails its own setup, not the box.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { composeAppliance } from '../../appliance/composition-root.js';
import type { Appliance } from '../../appliance/appliance.js';
import { TOKENS } from '../../core/container/tokens.js';
import type { XliveApp } from '../../core/http/http-app.js';
import { openApiPath } from '../../core/http/openapi-document.js';
import type { SecuredRouter } from '../../core/http/secured-router.js';
import { call, signIn, makeToken, type Creds } from '../../plugins/auth-local/testing/http-client.js';
import { startAppliance, type ApplianceHandle } from '../helpers/appliance.js';
import { enablePlugins, writePlugin } from '../helpers/external-plugins.js';
import { OpenApiClient } from '../helpers/openapi-client.js';

const PW = 'correct horse battery';
const FAST = { XLIVE_AUTH_LOCAL_FAILURE_DELAY_MIN_MS: '0', XLIVE_AUTH_LOCAL_FAILURE_DELAY_MAX_MS: '20' };

type Operation = { operationId: string; tags: string[]; security: Array<Record<string, string[]>>; parameters?: Array<{ name: string; in: string; required: boolean; schema: Record<string, unknown> }>; requestBody?: { content: Record<string, { schema: Record<string, unknown> }> }; responses: Record<string, unknown>; 'x-owner': string; 'x-scope'?: string };
type Document = { openapi: string; paths: Record<string, Record<string, Operation>>; components: Record<string, Record<string, unknown>> };

/** A third-party plugin with documented routes (path param, query, JSON body) and one without a doc. */
const NOTES_PLUGIN = `import { definePlugin } from 'xlive/sdk';
const notes = new Map();
const NOTE = { type: 'object', required: ['id', 'text'], properties: { id: { type: 'integer' }, text: { type: 'string' } } };
export default definePlugin({ setup(ctx) {
  ctx.http.route('GET', '/notes', (c) => c.json({ items: [...notes.values()].slice(0, Number(c.req.query('limit') ?? 50)) }), {
    scope: 'system:read',
    doc: { summary: 'Notes', query: { limit: { type: 'integer', minimum: 1, maximum: 500 } }, responses: { 200: { description: 'Notes', schema: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: NOTE } } } } } },
  });
  ctx.http.route('PUT', '/notes/:id', async (c) => {
    const body = await c.req.json();
    const note = { id: Number(c.req.param('id')), text: body.text };
    notes.set(note.id, note);
    return c.json(note);
  }, {
    scope: 'system:admin',
    doc: {
      summary: 'Write a note',
      params: { id: { type: 'integer', minimum: 1, maximum: 1000 } },
      body: { required: true, schema: { type: 'object', required: ['text'], additionalProperties: false, properties: { text: { type: 'string', minLength: 1, maxLength: 20 } } } },
      responses: { 200: { description: 'The note', schema: NOTE } },
    },
  });
  ctx.http.route('GET', '/plain', (c) => c.text('no doc here'), { public: true });
  // Answers something else than its doc says: the response check (tests) must catch it.
  ctx.http.route('GET', '/drift', (c) => c.json({ id: 'seven', text: 'x' }), { public: true, doc: { summary: 'Drifts', responses: { 200: { description: 'A note', schema: NOTE } } } });
} });`;

/** A plugin whose doc is not a valid schema: its setup fails, naming the route. */
const BROKEN_PLUGIN = `import { definePlugin } from 'xlive/sdk';
export default definePlugin({ setup(ctx) {
  ctx.http.route('GET', '/x', (c) => c.json({}), { public: true, doc: { summary: 'broken', query: { n: { type: 'integer', minimun: 1 } } } });
} });`;

function writeTestPlugins(dataDir: string): void {
  const ext = join(dataDir, 'plugins');
  writePlugin(ext, 'notes', { permissions: ['http', 'http:public'] }, NOTES_PLUGIN);
  writePlugin(ext, 'broken-doc', { permissions: ['http', 'http:public'] }, BROKEN_PLUGIN);
}

describe('OpenAPI document of a running box', () => {
  let dataDir: string;
  let app: ApplianceHandle;
  let admin: Creds;
  let doc: Document;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'xlive-openapi-'));
    writeTestPlugins(dataDir);
    await enablePlugins(dataDir, ['notes', 'broken-doc']);
    app = await startAppliance({ dataDir, env: FAST });
    admin = await signIn(app.httpUrl, 'admin', PW);
  });
  after(async () => {
    await app?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is public, and a real OpenAPI 3.1 validator accepts it', async () => {
    const r = await fetch(`${app.httpUrl}/api/v1/openapi.json`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
    doc = (await r.json()) as Document;
    assert.equal(doc.openapi, '3.1.0');
    const result = await new Validator().validate(doc as unknown as Record<string, unknown>);
    assert.deepEqual(result.errors, undefined, JSON.stringify(result.errors, null, 1)?.slice(0, 3000));
    assert.equal(result.valid, true);
  });

  it('states security per route: none when public, bearer or session with the scope otherwise', () => {
    const version = doc.paths['/api/v1/version']!['get']!;
    assert.deepEqual(version.security, []);
    const users = doc.paths['/api/v1/users']!['get']!;
    assert.deepEqual(users.security, [{ bearerAuth: ['users:admin'] }, { sessionCookie: ['users:admin'] }]);
    assert.equal(users['x-scope'], 'users:admin');
    assert.ok(users.responses['401'] && users.responses['403'], 'guarded routes list 401 and 403');
    assert.ok(doc.components['securitySchemes']!['bearerAuth']);
    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
  });

  it('lists the third-party plugin\'s routes with their schemas, tagged by the plugin; a plugin whose doc does not compile is not there', () => {
    const list = doc.paths['/plugins/notes/notes']?.['get'];
    assert.ok(list, 'GET /plugins/notes/notes is documented');
    assert.deepEqual(list.tags, ['notes']);
    assert.equal(list['x-owner'], 'notes');
    assert.deepEqual(list.parameters?.find((p) => p.name === 'limit')?.schema, { type: 'integer', minimum: 1, maximum: 500 });
    const put = doc.paths['/plugins/notes/notes/{id}']?.['put'];
    assert.ok(put, 'PUT /plugins/notes/notes/{id} is documented with {id}');
    assert.deepEqual(put.parameters?.find((p) => p.in === 'path'), { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1, maximum: 1000 } });
    assert.deepEqual(put.requestBody?.content['application/json']?.schema['required'], ['text']);
    assert.ok(doc.paths['/plugins/notes/plain']?.['get'], 'a route without a doc is still listed');
    assert.equal(doc.paths['/plugins/broken-doc/x'], undefined);
  });

  it('a plugin whose doc does not compile fails setup naming the route; the box serves on', async () => {
    const r = await call<{ items: Array<{ id: string; state: string; error: { code: string; message: string } | null }> }>(app.httpUrl, 'GET', '/api/v1/plugins', admin);
    const broken = r.body.items.find((p) => p.id === 'broken-doc');
    assert.equal(broken?.state, 'failed');
    assert.match(broken?.error?.message ?? '', /GET \/plugins\/broken-doc\/x.*plugin broken-doc.*not a valid JSON Schema/);
    assert.equal(r.body.items.find((p) => p.id === 'notes')?.state, 'running');
    assert.equal((await fetch(`${app.httpUrl}/healthz`)).status, 200);
  });

  it('refuses a query, path parameter or body that breaks the documented schema with 400 naming the field, before the handler', async () => {
    const bad: Array<[string, string, unknown, string, RegExp]> = [
      ['GET', '/plugins/notes/notes?limit=0', undefined, 'query.limit', /minimum/],
      ['GET', '/plugins/notes/notes?limit=lots', undefined, 'query.limit', /type/],
      ['PUT', '/plugins/notes/notes/abc', { text: 'hi' }, 'path.id', /type/],
      ['PUT', '/plugins/notes/notes/5000', { text: 'hi' }, 'path.id', /maximum/],
      ['PUT', '/plugins/notes/notes/7', {}, 'body.text', /required/],
      ['PUT', '/plugins/notes/notes/7', { text: 'x'.repeat(500) }, 'body.text', /maxLength/],
      ['PUT', '/plugins/notes/notes/7', { text: 'hi', admin: true }, 'body.admin', /additionalProperties/],
      ['GET', '/api/v1/events?limit=-1', undefined, 'query.limit', /minimum/],
      ['GET', '/api/v1/users/nobody', undefined, 'path.id', /type/],
      ['PATCH', '/api/v1/plugins/notes', { enabled: 'yes' }, 'body.enabled', /type/],
      ['POST', '/api/v1/tokens', { name: 'x', scopes: ['root:everything'] }, 'body.scopes.0', /enum/],
    ];
    for (const [method, path, body, field, rule] of bad) {
      const r = await call<Record<string, string>>(app.httpUrl, method, path, admin, body);
      const what = `${method} ${path}`;
      assert.equal(r.status, 400, what);
      assert.equal(r.headers.get('content-type'), 'application/problem+json', what);
      assert.equal(r.body['code'], 'VALIDATION_FAILED', what);
      assert.equal(r.body['field'], field, what);
      assert.match(r.body['rule'] ?? '', rule, what);
      assert.ok(r.body['detail']?.includes(field), `${what}: detail names the field: ${r.body['detail']}`);
    }
    // The value is echoed truncated; the handler never ran (nothing was stored).
    const long = await call<Record<string, string>>(app.httpUrl, 'PUT', '/plugins/notes/notes/7', admin, { text: 'y'.repeat(5000) });
    assert.ok((long.body['value'] ?? '').length <= 61, `value is truncated: ${long.body['value']?.length}`);
    assert.deepEqual((await call(app.httpUrl, 'GET', '/plugins/notes/notes', admin)).body, { items: [] });
    // A password is never echoed back.
    const pw = await call<Record<string, string>>(app.httpUrl, 'POST', '/api/v1/users', admin, { username: 'u1', password: 12345 });
    assert.equal(pw.status, 400);
    assert.equal(pw.body['field'], 'body.password');
    assert.equal(pw.body['value'], '[redacted]');
  });

  it('the response check (on in tests) turns an answer that drifted from its doc into 500 RESPONSE_INVALID naming the route', async () => {
    const r = await call<Record<string, string>>(app.httpUrl, 'GET', '/plugins/notes/drift');
    assert.equal(r.status, 500);
    assert.equal(r.body['code'], 'RESPONSE_INVALID');
    assert.match(r.body['detail'] ?? '', /GET \/plugins\/notes\/drift \(plugin notes\).*\/id must be integer/);
  });

  it('reads a body to validate only up to http.bodyLimitBytes, even chunked without a length (413)', async () => {
    const url = new URL('/plugins/notes/notes/7', app.httpUrl);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'PUT', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', cookie: admin.cookie!, 'x-csrf-token': admin.csrf! } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'EPIPE' || (err as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(err)));
      req.write('{"text":"');
      const chunk = 'z'.repeat(64 * 1024);
      for (let i = 0; i < 24; i++) req.write(chunk); // 1.5 MiB > the 1 MiB default
      req.end('"}');
    });
    assert.equal(status, 413);
    assert.equal((await fetch(`${app.httpUrl}/healthz`)).status, 200);
  });

  it('without credentials a guarded route answers 401 before the body is looked at', async () => {
    const r = await call<Record<string, string>>(app.httpUrl, 'PUT', '/plugins/notes/notes/abc', {}, { nope: 1 });
    assert.equal(r.status, 401);
  });

  it('accepts what the schema allows, and the answer matches its documented shape', async () => {
    const put = await call(app.httpUrl, 'PUT', '/plugins/notes/notes/7', admin, { text: 'hello' });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.deepEqual(put.body, { id: 7, text: 'hello' });
    const list = await call(app.httpUrl, 'GET', '/plugins/notes/notes?limit=10', admin);
    assert.deepEqual(list.body, { items: [{ id: 7, text: 'hello' }] });
    const token = await makeToken(app.httpUrl, admin, ['system:read']);
    assert.equal((await call(app.httpUrl, 'GET', '/api/v1/events?limit=5&type=plugin.failed', { token: token.token })).status, 200);
    assert.equal((await call(app.httpUrl, 'GET', '/api/v1/events?limit=', { token: token.token })).status, 200, 'an empty value counts as absent');
  });

  it('a client that knows only a token and the document manages stream keys; the scope it states is the one enforced', async () => {
    const token = await makeToken(app.httpUrl, admin, ['streams:read', 'streams:write']);
    const client = await OpenApiClient.load(app.httpUrl, token.token);
    const created = await client.call<{ path: string; key: string }>('postStreamKeys', { body: { path: 'live/doc' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.path, 'live/doc');
    const listed = await client.call<{ items: Array<{ path: string }> }>('getStreamKeys');
    assert.ok(listed.body.items.some((k) => k.path === 'live/doc'));
    const patched = await client.call<{ protected: boolean }>('patchStreamKeysByAppByName', { params: { app: 'live', name: 'doc' }, body: { protected: true } });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.protected, true);
    const link = await client.call<{ token: string }>('postPlaybackTokens', { body: { path: 'live/doc', ttlSeconds: 120 } });
    assert.equal(link.status, 201);
    // The document says users need users:admin; this token lacks it and is refused with that scope named.
    assert.equal(client.scopeOf('getUsers'), 'users:admin');
    const refused = await client.call<Record<string, unknown>>('getUsers');
    assert.equal(refused.status, 403);
    assert.equal(refused.body['requiredScope'], 'users:admin');
    assert.equal((await client.withToken('').call('getStreamKeys')).status, 401);
  });
});

/**
 * In-process, as the route-policy test: Hono's own list of what the app answers is compared with the
 * document, so a route mounted any other way than through the router would show up as missing.
 */
describe('OpenAPI document covers every route the app answers', () => {
  let dir: string;
  let appliance: Appliance;
  let app: XliveApp;
  let router: SecuredRouter;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'xlive-openapi-routes-'));
    writeTestPlugins(dir);
    await enablePlugins(dir, ['notes']);
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

  it('every method and path of the app, core and plugins, is an operation of the document', async () => {
    const doc = (await (await app.request('/api/v1/openapi.json')).json()) as Document;
    const answered = app.routes.filter((r) => r.method !== 'ALL');
    assert.ok(answered.some((r) => r.path.startsWith('/plugins/notes/')), 'the plugin route is mounted');
    const missing = answered.filter((r) => !doc.paths[openApiPath(r.path)]?.[r.method.toLowerCase()]).map((r) => `${r.method} ${r.path}`);
    assert.deepEqual([...new Set(missing)], [], 'routes missing from the document');
    const owners = new Set(Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op['x-owner'])));
    for (const owner of ['core', 'auth-local', 'hls', 'http-flv', 'metrics-prometheus', 'system-health', 'notes']) assert.ok(owners.has(owner), `routes of ${owner}`);
  });

  it('every route of the core and the built-in plugins has a doc', () => {
    const external = new Set(['notes']);
    const undocumented = router.routes.filter((r) => !external.has(r.owner) && !r.options.doc).map((r) => `${r.method} ${r.path} (${r.owner})`);
    assert.deepEqual(undocumented, []);
  });
});
