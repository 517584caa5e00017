import { ValidationError } from '../errors/xlive-error.js';
import type { BoxEvent, EventFilter } from '../sdk/events.js';
import { cursorInt, keysetPage, LIST_QUERY_DOC, listQuery, listResponseSchema } from '../sdk/list-page.js';
import type { SecuredRouter } from './secured-router.js';

export const EVENT_SCHEMA = {
  type: 'object',
  required: ['id', 'time', 'type', 'severity', 'source', 'stream', 'message', 'data'],
  properties: {
    id: { type: 'integer' },
    time: { type: 'string', format: 'date-time' },
    type: { type: 'string' },
    severity: { type: 'string', enum: ['info', 'warn', 'error'] },
    source: { type: 'string' },
    stream: { type: ['string', 'null'] },
    message: { type: 'string' },
    data: { type: 'object' },
  },
};

/**
 * `GET /api/v1/events`: newest first, paged back with `cursor`; or, with `after=<id>`, the events
 * after that id OLDEST first (a follower polls with the last id it saw and never misses one). The
 * cursor remembers the direction.
 */
export function registerEventRoutes(r: SecuredRouter, events: { list(filter?: EventFilter): BoxEvent[] }): void {
  r.add(
    'core',
    'GET',
    '/api/v1/events',
    {
      scope: 'system:read',
      doc: {
        summary: 'The event log: newest first, or oldest first after an event id',
        tags: ['system'],
        query: {
          ...LIST_QUERY_DOC,
          type: { type: 'string', maxLength: 64, description: 'an event type, or a prefix like "stream.*"' },
          severity: { type: 'string', enum: ['info', 'warn', 'error'], description: 'only events of at least this severity (warn: warnings and errors)' },
          stream: { type: 'string', maxLength: 200, description: 'only events about this stream path, e.g. live/stage' },
          since: { type: 'string', format: 'date-time', description: 'only events at or after this time' },
          after: { type: 'string', pattern: '^[0-9]+$', description: 'only events with a greater id, oldest first (follow the log)' },
        },
        responses: { 200: { description: 'a page of events', schema: listResponseSchema(EVENT_SCHEMA) } },
      },
    },
    (c) => {
      const q = c.req.query();
      const page = listQuery(q);
      const filter: EventFilter = { limit: page.limit + 1 };
      if (q['type']) filter.type = q['type'].slice(0, 64);
      if (q['severity']) {
        const sev = q['severity'];
        if (sev !== 'info' && sev !== 'warn' && sev !== 'error') throw new ValidationError(`severity=${JSON.stringify(sev.slice(0, 20))} must be info, warn or error`);
        filter.minSeverity = sev;
      }
      if (q['stream']) filter.stream = q['stream'].slice(0, 200);
      if (q['since']) {
        if (Number.isNaN(Date.parse(q['since']))) throw new ValidationError(`since=${JSON.stringify(q['since'].slice(0, 40))} is not an ISO date`);
        filter.since = new Date(q['since']).toISOString();
      }
      if (page.cursor) {
        if ('a' in page.cursor) filter.afterId = cursorInt(page.cursor, 'a');
        else filter.beforeId = cursorInt(page.cursor, 'b');
      } else if (q['after']) {
        filter.afterId = nonNegativeInt('after', q['after']);
      }
      const ascending = filter.afterId !== undefined;
      return c.json(keysetPage(events.list(filter), page.limit, (e): Record<string, number> => (ascending ? { a: e.id } : { b: e.id })));
    },
  );
}

function nonNegativeInt(name: string, v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n)) throw new ValidationError(`${name}=${JSON.stringify(v.slice(0, 20))} must be a non-negative integer`);
  return n;
}
