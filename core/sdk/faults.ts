/**
 * What the host does with a plugin's failures. Every callback a plugin hands the host through its
 * context (event listeners, routes, upgrades, reader sinks, timers, `ctx.run` work) runs behind a
 * fault boundary: a throw or a rejected promise is logged with the plugin's id, counted
 * (`xlive_plugin_faults_total{plugin,where}`) and recorded (`plugin.fault`); past
 * `pluginHost.faultLimit` faults within `pluginHost.faultWindowMs` the plugin is marked failed
 * (`PLUGIN_FAULTED`) and stopped. Use `ctx.timers` and `ctx.run` instead of bare `setTimeout` and
 * floating promises: the host clears them when the plugin stops and charges their errors to it.
 */

/** A timer started through `ctx.timers`. */
export interface PluginTimer {
  /** Cancel it (idempotent). */
  clear(): void;
}

export interface PluginTimers {
  /** Like `setTimeout`; cleared when the plugin stops or fails. A throw or rejection in `fn` is the plugin's fault. */
  setTimeout(fn: () => unknown, ms: number): PluginTimer;
  /** Like `setInterval`; cleared when the plugin stops or fails. A throw or rejection in `fn` is the plugin's fault. */
  setInterval(fn: () => unknown, ms: number): PluginTimer;
}

/** Where a plugin's fault happened. */
export type FaultSite =
  | 'stream-event'
  | 'box-event'
  | 'route'
  | 'upgrade'
  | 'reader'
  | 'timer'
  | 'async'
  | 'metrics'
  | 'socket'
  | 'unhandled-rejection'
  | 'uncaught-exception';

/** A plugin's fault record, as the host shows it (`GET /api/v1/plugins`). */
export interface PluginFaultSummary {
  /** Faults since start. */
  faults: number;
  /** The latest fault. */
  last: { where: FaultSite; message: string; at: string } | null;
  /** Callbacks that held the event loop longer than `pluginHost.slowCallbackMs`. */
  slowCallbacks: number;
  /** The latest of those. */
  lastSlow: { where: FaultSite; ms: number; at: string } | null;
}
