import type { HttpMethod, JsonSchema, RouteOptions } from '../sdk/http.js';
import { policyOf } from './access-policy.js';
import { PROBLEM_SCHEMA } from './openapi-schemas.js';
import { pathParamNames } from './route-doc-compiler.js';

/** One mounted route as the router recorded it. */
export interface DocumentedRoute {
  owner: string;
  method: HttpMethod;
  path: string;
  options: RouteOptions;
}

export interface OpenApiInfo {
  title: string;
  version: string;
  pluginApiVersion: string;
}

type Json = Record<string, unknown>;

const PROBLEM_TITLES: Record<number, string> = {
  400: 'The request broke a documented rule (problem+json names the field, value and rule)',
  401: 'No or invalid credentials',
  403: 'The caller lacks the scope, or the Host/Origin is not the box',
  404: 'No such resource',
  409: 'Conflicts with the current state',
  413: 'The body is larger than http.bodyLimitBytes',
  429: 'Rate limited (see Retry-After)',
  503: 'The box cannot decide who may do this (no auth provider), or the plugin serving it is not running',
};

/** Hono `/a/:id{[0-9]+}/*` → OpenAPI `/a/{id}/{path}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?\??/g, '{$1}').replace(/\/\*$/, '/{path}');
}

function operationIdOf(method: string, path: string): string {
  const words = path
    .replace(/^\/api\/v1(?=\/|$)/, '')
    .split('/')
    .filter(Boolean)
    .map((s) => (s === '*' ? 'ByPath' : s.startsWith(':') ? `By-${s.slice(1).replace(/\{.*$/, '').replace(/\?$/, '')}` : s))
    .flatMap((s) => s.split(/[^A-Za-z0-9]+/))
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1));
  return method.toLowerCase() + (words.join('') || 'Root');
}

function problemResponse(status: number, why?: string): Json {
  return {
    description: why ?? PROBLEM_TITLES[status] ?? 'Error',
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  };
}

function securityOf(options: RouteOptions): Json {
  const policy = policyOf(options);
  if (policy.kind === 'public') return { security: [] };
  const scopes = policy.kind === 'scope' ? [policy.scope] : [];
  return { security: [{ bearerAuth: scopes }, { sessionCookie: scopes }], ...(policy.kind === 'scope' && { 'x-scope': policy.scope }) };
}

function responsesOf(r: DocumentedRoute, hasParams: boolean): Json {
  const doc = r.options.doc;
  const out: Json = {};
  for (const [status, resp] of Object.entries(doc?.responses ?? {})) {
    const code = Number(status);
    if (code >= 400 && !resp.schema) out[status] = problemResponse(code, resp.description);
    else out[status] = { description: resp.description, ...(resp.schema && { content: { [resp.contentType ?? 'application/json']: { schema: resp.schema } } }) };
  }
  if (!Object.keys(out).some((s) => s.startsWith('2') || s.startsWith('3'))) out['200'] = { description: 'Success (not described in detail)' };
  const add = (status: number) => (out[String(status)] ??= problemResponse(status));
  const isPublic = r.options.public === true;
  if (doc?.params || doc?.query || doc?.body || hasParams) add(400);
  if (!isPublic) add(401);
  if (!isPublic || r.options.sameOrigin) add(403);
  if (hasParams || r.path.endsWith('*')) add(404);
  if (doc?.body) add(413);
  add(429);
  if (!isPublic || r.owner !== 'core') add(503);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

function parametersOf(r: DocumentedRoute): Json[] {
  const doc = r.options.doc;
  const params: Json[] = pathParamNames(r.path).map((name) => ({ name, in: 'path', required: true, schema: doc?.params?.[name] ?? { type: 'string' } }));
  if (r.path.endsWith('*')) params.push({ name: 'path', in: 'path', required: true, description: 'The rest of the path (may contain "/")', schema: { type: 'string' } });
  for (const [name, s] of Object.entries(doc?.query ?? {})) {
    const { required, ...schema } = s as JsonSchema & { required?: unknown };
    const description = typeof schema['description'] === 'string' ? schema['description'] : undefined;
    params.push({ name, in: 'query', required: required === true, ...(description && { description }), schema });
  }
  return params;
}

/**
 * The OpenAPI 3.1 document of the routes the router mounted: paths from the route table (Hono
 * `:name` → `{name}`), security from each route's access policy (`bearerAuth` / `sessionCookie` with
 * the required scope, none for public routes), parameters, bodies and responses from `doc` — the same
 * schemas the request validator enforces — and the problem+json errors that apply to each route.
 */
export function buildOpenApiDocument(routes: readonly DocumentedRoute[], info: OpenApiInfo): Json {
  const paths: Record<string, Json> = {};
  const ids = new Set<string>();
  const owners = new Set<string>();
  const tags = new Set<string>();
  const sorted = [...routes].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  for (const r of sorted) {
    const doc = r.options.doc;
    const path = openApiPath(r.path);
    const method = r.method.toLowerCase();
    const item = (paths[path] ??= {});
    if (item[method]) continue; // the same method and path twice: Hono serves the first
    let id = doc?.operationId ?? operationIdOf(r.method, r.path);
    for (let n = 2; ids.has(id); n++) id = `${doc?.operationId ?? operationIdOf(r.method, r.path)}${n}`;
    ids.add(id);
    owners.add(r.owner);
    for (const t of doc?.tags ?? [r.owner]) tags.add(t);
    const parameters = parametersOf(r);
    item[method] = {
      operationId: id,
      summary: doc?.summary ?? `${r.method} ${r.path} (not described by ${r.owner === 'core' ? 'the core' : `plugin ${r.owner}`})`,
      ...(doc?.description && { description: doc.description }),
      tags: doc?.tags ?? [r.owner],
      'x-owner': r.owner,
      ...securityOf(r.options),
      ...(parameters.length > 0 && { parameters }),
      ...(doc?.body && {
        requestBody: {
          required: doc.body.required === true,
          ...(doc.body.description && { description: doc.body.description }),
          content: { [doc.body.contentType ?? 'application/json']: { schema: doc.body.schema } },
        },
      }),
      responses: responsesOf(r, pathParamNames(r.path).length > 0),
    };
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: info.title,
      version: info.version,
      description: 'The HTTP API of this xlive box: the core and the plugins it runs now. Errors are RFC 9457 problem+json.',
      'x-plugin-api-version': info.pluginApiVersion,
    },
    tags: [...tags].sort().map((name) => ({ name, ...(owners.has(name) && { description: name === 'core' ? 'The core' : `Routes of plugin ${name}` }) })),
    paths,
    components: {
      schemas: { Problem: PROBLEM_SCHEMA },
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An API token (POST /api/v1/tokens). The scope a route needs is in its security requirement and `x-scope`.' },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'xlive_session', description: 'A panel session (POST /api/v1/session); unsafe methods also need the X-CSRF-Token header.' },
      },
    },
  };
}
