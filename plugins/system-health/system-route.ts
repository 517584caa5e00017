/** `GET /api/v1/system` (scope system:read): static facts, hot values and the health report in one answer. */
import type { HealthReport, PluginHostInfo, RouteHandler } from 'xlive/sdk';
import type { FactsCollector } from './facts-collector.js';
import type { HotSampler } from './hot-sampler.js';

export const SYSTEM_PATH = '/api/v1/system';
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
