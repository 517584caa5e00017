/**
 * The system-health plugin, built from injectable sources so tests control `/sys`, `statfs` and the
 * facts worker. Static facts come from a worker thread, hot values from cheap direct reads; checks for
 * disk free, temperature/throttling and event-loop lag feed `/readyz`; `GET /api/v1/system` answers
 * the summary; status changes of any check become `health.changed` events.
 */
import { dirname } from 'node:path';
import { definePlugin, type PluginDefinition } from 'xlive/sdk';
import { resolveConfig } from './config.js';
import { FactsCollector, runFactsWorker, type FactsRunner } from './facts-collector.js';
import { diskHealth, likelyBlocker, loopLagHealth, temperatureHealth } from './health-rules.js';
import { HealthWatch } from './health-watch.js';
import { HotSampler } from './hot-sampler.js';
import { LoopLagMonitor } from './loop-lag-monitor.js';
import { nodeSystemSources, type SystemSources } from './system-sources.js';
import { registerSystemMetrics } from './system-metrics.js';
import { SYSTEM_DOC, SYSTEM_PATH, systemHandler } from './system-route.js';

export interface SystemHealthOverrides {
  sources?: Partial<SystemSources>;
  factsRunner?: FactsRunner;
}

export function createSystemHealthPlugin(overrides: SystemHealthOverrides = {}): PluginDefinition<Record<string, unknown>> {
  return definePlugin<Record<string, unknown>>({
    setup(ctx) {
      const config = resolveConfig(ctx.config, {
        // ctx.paths: `<dataDir>/plugin-data/<id>` and `<runtimeDir>/<id>`.
        dataDir: () => dirname(dirname(ctx.paths.data)),
        runtimeDir: () => dirname(ctx.paths.runtime),
      });
      const sources: SystemSources = { ...nodeSystemSources(), ...overrides.sources };
      const watched = [...new Set([config.dataDir, config.runtimeDir, ...config.watchPaths])];
      const lag = new LoopLagMonitor(config.pollIntervalMs);
      const sampler = new HotSampler(sources, watched, lag);
      const facts = new FactsCollector(overrides.factsRunner ?? runFactsWorker, { refreshMs: config.factsRefreshMs, timeoutMs: config.factsTimeoutMs }, ctx.log);
      const watch = new HealthWatch({ sampler, health: ctx.health, events: ctx.events, log: ctx.log }, config.pollIntervalMs);

      // Checks use a sample at most one poll old (a /readyz between polls reads the sources again).
      const current = () => sampler.fresh(config.pollIntervalMs);
      ctx.health.register({ name: 'disk-free', check: async () => diskHealth((await current()).disks, config.disk) });
      ctx.health.register({ name: 'temperature', check: async () => temperatureHealth(await current(), config.temperature) });
      // The lag monitor reports the worse of two windows: a slow plugin callback within them is the likely cause.
      const blocker = () => likelyBlocker(ctx.plugins.list(), Date.now(), 2 * config.pollIntervalMs + 1000);
      ctx.health.register({ name: 'event-loop-lag', check: async () => loopLagHealth((await current()).eventLoop, config.eventLoop, blocker()) });

      registerSystemMetrics(ctx.metrics, { sample: () => sampler.latest, report: () => watch.latest });
      ctx.http.route('GET', SYSTEM_PATH, systemHandler({ facts, sampler, health: ctx.health, host: ctx.host }), { scope: 'system:read', doc: SYSTEM_DOC });
      ctx.log.debug(`watching ${watched.join(', ')} every ${config.pollIntervalMs} ms`);

      // The running instance closes over what setup built (no state outside it).
      return {
        start() {
          lag.start();
          facts.start();
          watch.start();
        },
        async stop() {
          facts.stop();
          await watch.stop();
          lag.stop();
        },
      };
    },
  });
}
