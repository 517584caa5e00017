/** `GET /api/v1/system` (scope system:read): static facts, hot values and the health report in one answer. */
import type { HealthReport, PluginHostInfo, RouteDoc, RouteHandler } from 'xlive/sdk';
import type { FactsCollector } from './facts-collector.js';
import type { HotSampler } from './hot-sampler.js';

export const SYSTEM_PATH = '/api/v1/system';
const NULLABLE_OBJECT = { type: ['object', 'null'] };

/** What `GET /api/v1/system` answers (RouteOptions.doc). */
export const SYSTEM_DOC: RouteDoc = {
  summary: 'The box: static facts (model, OS, CPU, disks, network), hot values (temperature, load, memory, disk use) and the health report',
  tags: ['system'],
  responses: {
    200: {
      description: 'The box',
      schema: {
        type: 'object',
        required: ['box', 'facts', 'hot', 'health'],
        properties: {
          box: { type: 'object', required: ['version', 'uptimeSeconds'], properties: { version: { type: 'string' }, uptimeSeconds: { type: 'integer' } } },
          facts: { ...NULLABLE_OBJECT, description: 'null until first collected' },
          factsError: { type: ['string', 'null'] },
          hot: { type: 'object', description: 'temperature, throttled, load, memory, disks, eventLoop' },
          health: { type: 'object', required: ['status', 'checks'], properties: { status: { enum: ['ok', 'warn', 'fail'] }, checks: { type: 'array' } } },
        },
      },
    },
  },
};

/** A request reuses a sample this recent instead of reading the sources again. */
const FRESH_MS = 2000;

export function systemHandler(deps: {
  facts: Pick<FactsCollector, 'facts' | 'error'>;
  sampler: Pick<HotSampler, 'fresh'>;
  health: { report(): Promise<HealthReport> };
  host: Pick<PluginHostInfo, 'version'>;
}): RouteHandler {
  return async (c) => {
    const [hot, health] = await Promise.all([deps.sampler.fresh(FRESH_MS), deps.health.report()]);
    return c.json({
      box: { version: deps.host.version, uptimeSeconds: Math.round(process.uptime()) },
      facts: deps.facts.facts,
      factsError: deps.facts.error,
      hot,
      health,
    });
  };
}
