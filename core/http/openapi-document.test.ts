import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildOpenApiDocument, openApiPath, type DocumentedRoute } from './openapi-document.js';

type Op = { operationId: string; security: unknown[]; responses: Record<string, unknown>; parameters?: Array<Record<string, unknown>>; tags: string[] };

const info = { title: 'xlive', version: '1.2.3', pluginApiVersion: '1.0.0' };
const doc = (routes: DocumentedRoute[]) => buildOpenApiDocument(routes, info) as { paths: Record<string, Record<string, Op>> };

describe('buildOpenApiDocument', () => {
  it('turns Hono paths into OpenAPI templates', () => {
    assert.equal(openApiPath('/api/v1/streams/:app/:name'), '/api/v1/streams/{app}/{name}');
    assert.equal(openApiPath('/a/:id{[0-9]+}/b'), '/a/{id}/b');
    assert.equal(openApiPath('/hls/*'), '/hls/{path}');
  });

  it('derives unique operationIds, security from the policy, and the problem responses that apply', () => {
    const d = doc([
      { owner: 'core', method: 'GET', path: '/api/v1/streams/:app/:name', options: { scope: 'streams:read' } },
      { owner: 'p1', method: 'GET', path: '/plugins/p1/x', options: { public: true, doc: { summary: 'x', operationId: 'getX' } } },
      { owner: 'p2', method: 'GET', path: '/plugins/p2/x', options: { public: true, doc: { summary: 'x', operationId: 'getX', body: { schema: { type: 'object' } } } } },
    ]);
    const stream = d.paths['/api/v1/streams/{app}/{name}']!['get']!;
    assert.equal(stream.operationId, 'getStreamsByAppByName');
    assert.deepEqual(stream.security, [{ bearerAuth: ['streams:read'] }, { sessionCookie: ['streams:read'] }]);
    assert.deepEqual(Object.keys(stream.responses), ['200', '400', '401', '403', '404', '429', '503']);
    assert.deepEqual(stream.parameters?.map((p) => p['name']), ['app', 'name']);
    assert.deepEqual(stream.tags, ['core']);
    const x1 = d.paths['/plugins/p1/x']!['get']!;
    const x2 = d.paths['/plugins/p2/x']!['get']!;
    assert.deepEqual([x1.operationId, x2.operationId], ['getX', 'getX2']);
    assert.deepEqual(x1.security, []);
    assert.deepEqual(Object.keys(x1.responses), ['200', '429', '503'], 'a plugin route may answer 503 (plugin not running)');
    assert.ok(x2.responses['413'], 'a body can be too large');
    const declared = (buildOpenApiDocument([{ owner: 'p1', method: 'GET', path: '/x', options: { doc: { summary: 'x', tags: ['things'] } } }], info) as { tags: Array<{ name: string }> }).tags;
    assert.deepEqual(declared.map((t) => t.name), ['things'], 'every tag used is declared');
  });
});
