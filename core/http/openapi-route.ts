import { buildOpenApiDocument, type OpenApiInfo } from './openapi-document.js';
import type { SecuredRouter } from './secured-router.js';

export const OPENAPI_PATH = '/api/v1/openapi.json';

/**
 * `GET /api/v1/openapi.json` (public): the OpenAPI 3.1 document of every route the router mounted —
 * core and running plugins' (a disabled plugin is not loaded, so its routes are not there). Built again
 * only when the router gained routes since the last request.
 */
export function registerOpenApiRoute(router: SecuredRouter, info: OpenApiInfo): void {
  let cached: { count: number; body: string } | undefined;
  router.add('core', 'GET', OPENAPI_PATH, {
    public: true,
    doc: {
      summary: 'The OpenAPI 3.1 description of this box\'s HTTP API (core and running plugins)',
      tags: ['core'],
      operationId: 'getOpenApiDocument',
      responses: { 200: { description: 'The document', schema: { type: 'object', required: ['openapi', 'info', 'paths'] } } },
    },
  }, (c) => {
    if (cached?.count !== router.routes.length) cached = { count: router.routes.length, body: JSON.stringify(buildOpenApiDocument(router.routes, info)) };
    return c.body(cached.body, 200, { 'content-type': 'application/json', 'cache-control': 'no-cache' });
  });
}
