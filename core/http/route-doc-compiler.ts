import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import type { MiddlewareHandler } from 'hono';
import { RouteDocInvalidError, ValidationError } from '../errors/xlive-error.js';
import type { Logger } from '../logging/logger.js';
import type { JsonSchema, RouteDoc } from '../sdk/http.js';
import { ResponseChecker } from './response-checker.js';

/** Where a route is registered, for error messages. */
export interface RouteWhere {
  owner: string;
  method: string;
  path: string;
}

/** A route's doc, compiled once at registration. */
export interface CompiledDoc {
  /** Validates path params, query and a JSON body before the handler; absent when the doc states none. */
  request?: MiddlewareHandler;
  /** Checks JSON answers against `doc.responses` (only when response checking is on: tests). */
  response?: MiddlewareHandler;
}

export interface RouteDocCompilerOptions {
  /**
   * Check every JSON answer against the documented response schema and answer 500 RESPONSE_INVALID
   * when it differs. For tests only (`XLIVE_CHECK_RESPONSES=1`): in production the response schemas
   * are only checked against the meta-schema at registration and never compiled.
   */
  checkResponses?: boolean;
  log?: Logger;
}

/** OpenAPI's own formats and a few common ones: known (so strict mode accepts them); `date-time` is checked. */
const NUMBER_FORMATS = ['int32', 'int64', 'float', 'double'];
const STRING_FORMATS = ['uri', 'uri-reference', 'email', 'hostname', 'ipv4', 'ipv6', 'uuid', 'date', 'time', 'duration', 'byte', 'binary', 'password', 'regex'];
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;
const SECRET_FIELD = /password|secret|token|key|code|psk/i;
const PARAM_NAME = /:([A-Za-z0-9_]+)(\{[^}]*\})?\??/g;
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(;|$)/i;

/**
 * Strict mode refuses unknown keywords and formats, wrong types and keyword values while compiling;
 * checking against the 2020-12 meta-schema as well would first compile that meta-schema (100-250 ms
 * at every start on this class of machine) for little more, so it is off.
 */
export function newAjv(coerce: boolean): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, strictTypes: false, strictTuples: false, strictRequired: false, allErrors: false, logger: false, coerceTypes: coerce, validateSchema: false });
  ajv.addKeyword('example');
  ajv.addFormat('date-time', { type: 'string', validate: (s: string) => DATE_TIME.test(s) && !Number.isNaN(Date.parse(s)) });
  for (const f of STRING_FORMATS) ajv.addFormat(f, { type: 'string', validate: () => true });
  for (const f of NUMBER_FORMATS) ajv.addFormat(f, { type: 'number', validate: () => true });
  return ajv;
}

/** The `:name` parameters of a Hono path. */
export function pathParamNames(path: string): string[] {
  return [...path.matchAll(PARAM_NAME)].map((m) => m[1]!);
}

/** A schema without the SDK's `required: true` flag (which marks a query parameter, not a JSON Schema rule). */
function stripRequiredFlag(schema: JsonSchema & { required?: unknown }): JsonSchema {
  if (typeof schema.required !== 'boolean') return schema;
  const { required: _flag, ...rest } = schema;
  return rest;
}

/** The error a caller sees: names the field, the value (truncated, never a secret) and the rule. */
function requestError(where: 'path' | 'query' | 'body', err: ErrorObject, data: unknown): ValidationError {
  const segments = err.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let value: unknown = data;
  for (const s of segments) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[s] : undefined;
  const extra = err.keyword === 'required' ? String(err.params['missingProperty']) : err.keyword === 'additionalProperties' ? String(err.params['additionalProperty']) : undefined;
  if (extra !== undefined) {
    segments.push(extra);
    value = err.keyword === 'required' ? undefined : (value as Record<string, unknown> | undefined)?.[extra];
  }
  const field = [where, ...segments].join('.');
  const shown = value === undefined ? undefined : SECRET_FIELD.test(segments.at(-1) ?? '') ? '[redacted]' : truncate(JSON.stringify(value), 60);
  const rule = err.keyword === 'required' ? 'required' : err.keyword === 'additionalProperties' ? 'additionalProperties: false' : `${err.keyword}: ${err.message ?? ''}`.trim();
  const detail =
    err.keyword === 'required' ? `${field} is required`
    : err.keyword === 'additionalProperties' ? `${field} is not an accepted field`
    : `${field}${shown === undefined ? '' : `=${shown}`} ${err.message ?? 'is invalid'}`;
  return new ValidationError(detail, { details: { field, ...(shown !== undefined && { value: shown }), rule } });
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}

interface RequestValidators {
  params?: ValidateFunction | undefined;
  query?: ValidateFunction | undefined;
  body?: ValidateFunction | undefined;
  bodyRequired: boolean;
}

/** The middleware checking path params, query and a JSON body, in that order; the first violation is a 400. */
function requestValidator(v: RequestValidators): MiddlewareHandler {
  return async (c, next) => {
    if (v.params) {
      const data: Record<string, string> = { ...c.req.param() };
      if (!v.params({ ...data })) throw requestError('path', v.params.errors![0]!, data);
    }
    if (v.query) {
      // An empty value (`?limit=`) counts as absent, as the handlers always read it.
      const data = Object.fromEntries(Object.entries(c.req.query()).filter(([, x]) => x !== ''));
      if (!v.query({ ...data })) throw requestError('query', v.query.errors![0]!, data);
    }
    if (v.body) {
      // Read within http.bodyLimitBytes (the app's body limit ran first); Hono keeps the text for the handler.
      const text = await c.req.text();
      if (text.length === 0) {
        if (v.bodyRequired) throw new ValidationError('a JSON request body is required', { details: { field: 'body', rule: 'required' } });
        return next();
      }
      if (!JSON_TYPE.test(c.req.header('content-type') ?? '')) {
        throw new ValidationError('send the body as JSON (Content-Type: application/json)', { details: { field: 'body', rule: 'contentType: application/json' } });
      }
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch {
        throw new ValidationError('the request body is not valid JSON', { details: { field: 'body', rule: 'json' } });
      }
      if (!v.body(data)) throw requestError('body', v.body.errors![0]!, data);
    }
    return next();
  };
}

/**
 * Compiles route docs (`RouteOptions.doc`) into request validators, once per route at registration,
 * with Ajv in JSON Schema 2020-12 (the dialect of OpenAPI 3.1). A doc whose schemas do not compile,
 * or that names a path parameter the path lacks, is a registration error naming the route and owner.
 */
export class RouteDocCompiler {
  private readonly strings = newAjv(true);
  private readonly bodies = newAjv(false);
  private readonly checker: ResponseChecker | undefined;

  constructor(opts: RouteDocCompilerOptions = {}) {
    this.checker = opts.checkResponses ? new ResponseChecker(newAjv(false), opts.log) : undefined;
  }

  /** Check a doc without keeping anything (plugin registration: fail the plugin's setup, not the box). */
  check(where: RouteWhere, doc: RouteDoc | undefined): void {
    this.compile(where, doc);
  }

  compile(where: RouteWhere, doc: RouteDoc | undefined): CompiledDoc {
    if (!doc) return {};
    const name = `${where.method} ${where.path} (${where.owner === 'core' ? 'core' : `plugin ${where.owner}`})`;
    const fail = (what: string, err?: unknown): never => {
      throw new RouteDocInvalidError(`route ${name}: ${what}${err ? `: ${(err as Error).message}` : ''}`, { cause: err, details: { owner: where.owner, route: `${where.method} ${where.path}` } });
    };
    if (typeof doc.summary !== 'string' || doc.summary.length === 0) fail('doc.summary is required');
    const names = pathParamNames(where.path);
    for (const p of Object.keys(doc.params ?? {})) if (!names.includes(p)) fail(`doc.params names "${p}", which is not a parameter of the path`);
    const compile = (ajv: Ajv2020, schema: JsonSchema, what: string): ValidateFunction => {
      try {
        return ajv.compile(schema);
      } catch (err) {
        return fail(`${what} is not a valid JSON Schema`, err);
      }
    };
    const params = doc.params && Object.keys(doc.params).length > 0
      ? compile(this.strings, { type: 'object', properties: doc.params, required: Object.keys(doc.params) }, 'doc.params')
      : undefined;
    const queryEntries = Object.entries(doc.query ?? {});
    const query = queryEntries.length > 0
      ? compile(this.strings, {
        type: 'object',
        properties: Object.fromEntries(queryEntries.map(([k, s]) => [k, stripRequiredFlag(s)])),
        required: queryEntries.filter(([, s]) => s.required === true).map(([k]) => k),
      }, 'doc.query')
      : undefined;
    const jsonBody = doc.body && JSON_TYPE.test(doc.body.contentType ?? 'application/json');
    // A body of another type (an upload) is described only: its schema is compiled in tests, like responses.
    const body = doc.body && jsonBody ? compile(this.bodies, doc.body.schema, 'doc.body.schema') : undefined;
    if (doc.body && (typeof doc.body.schema !== 'object' || doc.body.schema === null)) fail('doc.body.schema must be a JSON Schema object');
    for (const [status, r] of Object.entries(doc.responses ?? {})) {
      if (!/^[1-5]\d\d$/.test(status)) fail(`doc.responses has "${status}", which is not an HTTP status`);
      if (typeof r.description !== 'string') fail(`doc.responses[${status}].description is required`);
      if (r.schema !== undefined && (typeof r.schema !== 'object' || r.schema === null)) fail(`doc.responses[${status}].schema must be a JSON Schema object`);
    }
    if (this.checker && doc.body && !jsonBody) compile(this.bodies, doc.body.schema, 'doc.body.schema');
    let response: MiddlewareHandler | undefined;
    try {
      response = this.checker?.middleware(name, doc);
    } catch (err) {
      fail('a doc.responses schema is not a valid JSON Schema', err);
    }
    const request = params || query || body ? requestValidator({ params, query, body, bodyRequired: doc.body?.required === true }) : undefined;
    return { ...(request && { request }), ...(response && { response }) };
  }
}
