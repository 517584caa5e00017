/**
 * http-callback: a publish/play gate that asks your HTTP service — the role of nginx-rtmp's
 * `on_publish`/`on_play` and SRS's HTTP callbacks. Disabled by default; the documented example of a
 * gate (docs/plugins.md "Gates: deciding publishes and plays").
 */
import { definePlugin } from 'xlive/sdk';
import { postCallback, type PostCallback } from './callback-client.js';
import { callbackGate } from './callback-gate.js';
import { resolveConfig, shownUrl } from './config.js';

/** The plugin, with its HTTP client replaceable in tests. */
export function createHttpCallbackPlugin(overrides: { post?: PostCallback } = {}) {
  return definePlugin({
    setup(ctx) {
      const config = resolveConfig(ctx.config);
      const answers = ctx.metrics.counter<'action' | 'outcome'>({
        name: 'xlive_http_callback_answers_total',
        help: 'http-callback decisions by action and outcome (allow, deny, error: unreachable or timed out, busy: maxConcurrent reached)',
        labelNames: ['action', 'outcome'],
      });
      const gate = callbackGate(config, { post: overrides.post ?? postCallback, log: ctx.log, onAnswer: (action, outcome) => answers.inc({ action, outcome }) });
      if (!gate) {
        ctx.log.warn('neither publishUrl nor playUrl is set: no publish or play is asked');
        return;
      }
      ctx.gates.register(gate);
      const urls = [config.publishUrl && `publishes → ${shownUrl(config.publishUrl)}`, config.playUrl && `plays → ${shownUrl(config.playUrl)}`].filter(Boolean).join(', ');
      ctx.log.info(`gate at order ${config.order}: ${urls} (timeout ${config.timeoutMs} ms, ${config.retries} retries, on error ${config.onError}, credentials ${config.sendCredentials ? 'sent' : 'as fingerprints'})`);
    },
  });
}

export default createHttpCallbackPlugin();
