/** The plugin's Prometheus metrics. Labels: the target's origin and its index in `urls` (never a path or query). */
import type { MetricsApi } from 'xlive/sdk';
import type { TargetObserver, WebhookTarget } from './webhook-target.js';

/** Makes the observer of the target at `index` of `urls`, labelled with its origin. */
export type ObserverFactory = (label: string, index: number) => TargetObserver;

export function webhookMetrics(metrics: MetricsApi, targets: () => readonly WebhookTarget[]): ObserverFactory {
  const attempts = metrics.counter({ name: 'xlive_webhook_attempts_total', help: 'Webhook POST attempts by outcome (ok, http-error, timeout, network-error)', labelNames: ['target', 'index', 'outcome'] });
  const deliveries = metrics.counter({ name: 'xlive_webhook_deliveries_total', help: 'Webhook events delivered or given up on after every retry', labelNames: ['target', 'index', 'result'] });
  const dropped = metrics.counter({ name: 'xlive_webhook_dropped_total', help: 'Webhook events dropped because the queue was full (the oldest goes)', labelNames: ['target', 'index'] });
  metrics.gauge<'target' | 'index'>({
    name: 'xlive_webhook_queue_length',
    help: 'Webhook events waiting to be delivered',
    labelNames: ['target', 'index'],
    collect: (g) => targets().forEach((t, i) => g.set({ target: t.label, index: i }, t.queued)),
  });
  return (label, index) => {
    const labels = { target: label, index };
    return {
      attempt: (outcome) => attempts.inc({ ...labels, outcome }),
      delivered: () => deliveries.inc({ ...labels, result: 'delivered' }),
      failed: () => deliveries.inc({ ...labels, result: 'failed' }),
      dropped: () => dropped.inc(labels),
    };
  };
}
