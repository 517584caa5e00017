import { NotFoundError } from '../errors/xlive-error.js';
import type { JsonSchema } from '../sdk/http.js';
import type { StreamHistory } from '../streams/stream-history.js';
import type { SecuredRouter } from './secured-router.js';

const SEGMENT: JsonSchema = { type: 'string', pattern: '^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$' };
const POINT: JsonSchema = {
  type: 'object',
  required: ['t', 'bitrateBps', 'fps', 'readers', 'readersByProtocol', 'droppedFrames', 'live'],
  properties: {
    t: { type: 'integer', description: 'epoch ms of the sample' },
    bitrateBps: { type: 'number' },
    fps: { type: 'number' },
    readers: { type: 'integer', minimum: 0 },
    readersByProtocol: { type: 'object', additionalProperties: { type: 'integer' } },
    droppedFrames: { type: 'integer', minimum: 0, description: 'cumulative since the publish started' },
    live: { type: 'boolean', description: 'false for samples after the publisher left' },
  },
};

/** `GET /api/v1/streams/:app/:name/history`: the stream's last minutes, for the panel's charts. */
export function registerStreamHistoryRoutes(r: SecuredRouter, history: StreamHistory): void {
  r.add(
    'core',
    'GET',
    '/api/v1/streams/:app/:name/history',
    {
      scope: 'streams:read',
      doc: {
        summary: 'A stream\'s bitrate, fps, viewers and drops over the last minutes (stats.windowMs), one point per stats.intervalMs',
        tags: ['streams'],
        params: { app: SEGMENT, name: SEGMENT },
        responses: {
          200: {
            description: 'the samples, oldest first',
            schema: { type: 'object', required: ['path', 'intervalMs', 'windowMs', 'points'], properties: { path: { type: 'string' }, intervalMs: { type: 'integer' }, windowMs: { type: 'integer' }, points: { type: 'array', items: POINT } } },
          },
        },
      },
    },
    (c) => {
      const path = `${c.req.param('app')}/${c.req.param('name')}`;
      const points = history.get(path);
      if (!points) throw new NotFoundError(`no history for ${path}: it has not been live in the last ${Math.round(history.windowMs / 60_000)} minutes`);
      return c.json({ path, intervalMs: history.intervalMs, windowMs: history.windowMs, points });
    },
  );
}
