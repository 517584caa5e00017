import type { Ajv2020, ValidateFunction } from 'ajv/dist/2020.js';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../logging/logger.js';
import type { RouteDoc } from '../sdk/http.js';
import { PROBLEM_SCHEMA } from './openapi-schemas.js';
import { statusProblem } from './problem.js';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(;|$)/i;

/**
 * Tests only (`XLIVE_CHECK_RESPONSES=1`): checks what a documented route answers against its doc, so
 * the published description cannot drift from what the handlers send. A 2xx status the doc does not
 * list, a JSON body that does not match the documented schema, or an error that is not a well-formed
 * problem+json becomes a 500 `RESPONSE_INVALID` naming the route and the mismatch (and an error log
 * line). Off in production: nothing is compiled and no middleware is mounted.
 */
export class ResponseChecker {
  private readonly problem: ValidateFunction;

  constructor(
    private readonly ajv: Ajv2020,
    private readonly log?: Logger,
  ) {
    this.problem = ajv.compile(PROBLEM_SCHEMA);
  }

  /** Compiles the doc's response schemas now (a broken one throws: a registration error in tests). */
  middleware(route: string, doc: RouteDoc): MiddlewareHandler | undefined {
    if (!doc.responses) return undefined;
    const documented = new Map<number, ValidateFunction | undefined>();
    for (const [status, r] of Object.entries(doc.responses)) documented.set(Number(status), r.schema ? this.ajv.compile(r.schema) : undefined);
    return async (c, next) => {
      await next();
      if (c.req.method === 'HEAD') return;
      const res = c.res;
      const status = res.status;
      const isJson = JSON_TYPE.test(res.headers.get('content-type') ?? '');
      let mismatch: string | undefined;
      if (status >= 400) {
        if (!isJson) mismatch = `status ${status} is not problem+json`;
        else if (!this.problem(await res.clone().json())) mismatch = `status ${status} is not a problem: ${this.ajv.errorsText(this.problem.errors)}`;
      } else if (status >= 200 && status < 300) {
        if (!documented.has(status)) mismatch = `status ${status} is not in doc.responses (${[...documented.keys()].join(', ')})`;
        const validate = documented.get(status);
        if (!mismatch && validate && isJson) {
          const body: unknown = await res.clone().json();
          if (!validate(body)) mismatch = `the ${status} body does not match doc.responses[${status}].schema: ${this.ajv.errorsText(validate.errors)}`;
        }
      }
      if (!mismatch) return;
      const detail = `response of ${route} differs from its doc: ${mismatch}`;
      this.log?.error(detail);
      const p = statusProblem(500, 'RESPONSE_INVALID', detail, c.req.path, c.get('requestId') as string | undefined);
      c.res = new Response(JSON.stringify(p.body), { status: 500, headers: p.headers });
    };
  }
}
