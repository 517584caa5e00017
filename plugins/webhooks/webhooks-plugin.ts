/**
 * The webhooks plugin: every event the box records (filtered by `types`) is POSTed as JSON
 * `{ event, box: { version, hostname } }` to each configured URL, with a timeout, retries with
 * backoff, and a bounded queue per URL. The POST function is injectable for tests.
 */
import { createHmac } from 'node:crypto';
import { hostname } from 'node:os';
import { definePlugin, type BoxEvent, type PluginDefinition } from 'xlive/sdk';
import { resolveConfig } from './config.js';
import { postJson, type PostJson } from './post-json.js';
import { typeFilter } from './type-filter.js';
import { webhookMetrics } from './webhook-metrics.js';
import { WebhookTarget, type Delivery } from './webhook-target.js';

export interface WebhooksOverrides {
  post?: PostJson;
}

export function createWebhooksPlugin(overrides: WebhooksOverrides = {}): PluginDefinition<Record<string, unknown>> {
  return definePlugin<Record<string, unknown>>({
    setup(ctx) {
      const observe = webhookMetrics(ctx.metrics, () => current.targets);
      const box = { version: ctx.host.version, hostname: hostname() };
      // Targets, filter and secret of one config section; replaced whole by `reconfigure`.
      const build = (raw: Readonly<Record<string, unknown>>) => {
        const config = resolveConfig(raw);
        const targets = config.urls.map((u, i) => {
          const url = new URL(u);
          return new WebhookTarget(url, url.origin, config, { post: overrides.post ?? postJson, log: ctx.log, observer: observe(url.origin, i) });
        });
        const delivery = (event: BoxEvent): Delivery => {
          // Serialised and signed once, shared by every target.
          const body = JSON.stringify({ event, box });
          const headers: Record<string, string> = { 'user-agent': `xlive/${box.version}`, 'x-xlive-event': event.type, 'x-xlive-event-id': String(event.id) };
          if (config.secret) headers['x-xlive-signature'] = `sha256=${createHmac('sha256', config.secret).update(body).digest('hex')}`;
          return { body, headers };
        };
        if (targets.length > 0) ctx.log.info(`delivering ${config.types.length ? config.types.join(', ') : 'all'} events to ${targets.map((t) => t.label).join(', ')}`);
        return { targets, wanted: typeFilter(config.types), delivery };
      };
      let current = build(ctx.config);
      const stopAll = () => current.targets.forEach((t) => t.stop());
      ctx.events.onEvent((event) => {
        if (current.targets.length === 0 || !current.wanted(event.type)) return;
        const d = current.delivery(event);
        for (const t of current.targets) t.enqueue(d);
      });
      ctx.signal.addEventListener('abort', stopAll, { once: true });
      // The running instance closes over its targets (no state outside it). Every key applies live:
      // new targets take the events recorded from then on; the old ones stop (their queues are dropped).
      return {
        stop: stopAll,
        reconfigure(next) {
          const replaced = build(next);
          stopAll();
          current = replaced;
        },
      };
    },
  });
}
