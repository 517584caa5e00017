import type { JsonSchema } from '../sdk/http.js';

/** An RFC 9457 problem as the host answers every error (see `problem.ts`). */
export const PROBLEM_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'code', 'detail'],
  properties: {
    type: { type: 'string', description: 'urn:xlive:problem:<code in kebab case>' },
    title: { type: 'string' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    code: { type: 'string', description: 'Stable error code (VALIDATION_FAILED, AUTHENTICATION_FAILED, …)', pattern: '^[A-Z][A-Z0-9_]*$' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    requestId: { type: 'string' },
    field: { type: 'string', description: 'VALIDATION_FAILED from a documented schema: the offending field (`body.name`, `query.limit`, `path.id`)' },
    value: { description: 'VALIDATION_FAILED: the offending value (a truncated JSON string from a documented schema; the value itself from PATCH /api/v1/config), secrets redacted' },
    rule: { type: 'string', description: 'VALIDATION_FAILED: the rule it broke (`type: must be integer`, `required`, …)' },
  },
  additionalProperties: true,
};
