import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Hono, type MiddlewareHandler } from 'hono';
import { RouteDocInvalidError } from '../errors/xlive-error.js';
import type { RouteDoc } from '../sdk/http.js';
import { toProblem } from './problem.js';
import { RouteDocCompiler } from './route-doc-compiler.js';

const where = { owner: 'demo', method: 'POST', path: '/plugins/demo/items/:id' };

/** A Hono app with one route validated by `doc`; errors become problems as in the real app. */
function appWith(doc: RouteDoc, compiler = new RouteDocCompiler()): Hono {
  const app = new Hono();
  const compiled = compiler.compile(where, doc);
  const chain = [...(compiled.response ? [compiled.response] : []), ...(compiled.request ? [compiled.request] : [])];
  (app.on as (m: string, p: string, ...h: MiddlewareHandler[]) => unknown)('POST', '/plugins/demo/items/:id', ...chain, async (c) => c.json({ id: Number(c.req.param('id')), body: await c.req.json().catch(() => null) }));
  app.onError((err, c) => {
    const p = toProblem(err, c.req.path);
    return c.json(p.body, p.status as 400);
  });
  return app;
}

type Json = Record<string, string>;
const json = async (r: Response | Promise<Response>): Promise<Json> => (await (await r).json()) as Json;

const post = (app: Hono, path: string, body?: unknown, type = 'application/json') =>
  app.request(path, { method: 'POST', ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': type } }) });

describe('RouteDocCompiler', () => {
  it('refuses a doc whose schema does not compile, naming the route and owner (response schemas: when checking responses)', () => {
    const c = new RouteDocCompiler({ checkResponses: true });
    const broken: RouteDoc[] = [
      { summary: 'x', body: { schema: { type: 'object', propertiez: {} } } },
      { summary: 'x', query: { n: { type: 'integr' } } },
      { summary: 'x', params: { nope: { type: 'string' } } },
      { summary: 'x', responses: { 200: { description: 'x', schema: { type: 'strin' } } } },
      { summary: 'x', query: { d: { type: 'string', format: 'no-such-format' } } },
      { summary: 'x', query: { n: { type: 'integer', minimum: 'one' } } },
    ];
    for (const doc of broken) {
      assert.throws(() => c.compile(where, doc), (e: unknown) => e instanceof RouteDocInvalidError && /POST \/plugins\/demo\/items\/:id \(plugin demo\)/.test(e.message), JSON.stringify(doc));
    }
  });

  it('coerces path and query strings to the documented types; an empty query value is absent', async () => {
    const app = appWith({ summary: 'x', params: { id: { type: 'integer', minimum: 1 } }, query: { n: { type: 'integer' }, at: { type: 'string', format: 'date-time' } } });
    assert.equal((await post(app, '/plugins/demo/items/3?n=5')).status, 200);
    assert.equal((await post(app, '/plugins/demo/items/3?n=')).status, 200);
    const bad = await json(post(app, '/plugins/demo/items/0'));
    assert.deepEqual([bad.field, bad.value, bad.rule], ['path.id', '"0"', 'minimum: must be >= 1']);
    assert.equal((await json(post(app, '/plugins/demo/items/3?at=yesterday'))).field, 'query.at');
    assert.equal((await post(app, '/plugins/demo/items/3?at=2026-01-02T03:04:05Z')).status, 200);
  });

  it('checks a JSON body: required, type, content type, syntax; the handler still reads the body', async () => {
    const app = appWith({ summary: 'x', body: { required: true, schema: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } } });
    const ok = await post(app, '/plugins/demo/items/1', { name: 'a' });
    assert.deepEqual(await ok.json(), { id: 1, body: { name: 'a' } } as unknown);
    const cases: Array<[unknown, string | undefined, string]> = [
      [undefined, undefined, 'body'],
      [{}, undefined, 'body.name'],
      [{ name: 5 }, undefined, 'body.name'],
      ['{"name":', undefined, 'body'],
      [{ name: 'a' }, 'text/plain', 'body'],
    ];
    for (const [body, type, field] of cases) {
      const r = await post(app, '/plugins/demo/items/1', body, type);
      assert.equal(r.status, 400, `${JSON.stringify(body)} ${type}`);
      assert.equal((await json(r)).field, field);
    }
  });

  it('with response checking on, an answer that differs from the doc becomes 500 RESPONSE_INVALID', async () => {
    const doc: RouteDoc = { summary: 'x', responses: { 201: { description: 'x', schema: { type: 'object' } } } };
    const r = await post(appWith(doc, new RouteDocCompiler({ checkResponses: true })), '/plugins/demo/items/1', {});
    assert.equal(r.status, 500);
    const p = await json(r);
    assert.equal(p.code, 'RESPONSE_INVALID');
    assert.match(p.detail, /status 200 is not in doc.responses \(201\)/);
    assert.equal((await post(appWith(doc), '/plugins/demo/items/1', {})).status, 200, 'off by default');
  });
});
