import type { Logger } from '../core/logging/logger.js';
import { pluginOfStack } from '../core/plugins/fault-attribution.js';
import type { Counter, MetricsApi } from '../core/sdk/metrics.js';

type Where = 'unhandled-rejection' | 'uncaught-exception';

export interface ProcessFaultDeps {
  log: Logger;
  metrics: Pick<MetricsApi, 'counter'>;
  plugins: {
    codeDirs(): Array<{ id: string; dir: string }>;
    chargeFault(id: string, where: Where, err: unknown): boolean;
  };
  /** Ends the process (an unattributable uncaught exception). */
  exit(code: number): void;
}

/** What a process-level error became. */
export type Verdict = { plugin: string } | { plugin: undefined; exit: boolean };

/**
 * The last line of defence, on `process`: an unhandled rejection is logged, counted
 * (`xlive_unhandled_rejections_total{plugin}`) and never ends the process; an uncaught exception is
 * counted (`xlive_uncaught_exceptions_total{plugin}`). Either is charged to a plugin as its fault when
 * the topmost plugin frame of its stack names one. An uncaught exception nobody can be charged with
 * exits 70: a synchronous throw unwound core code mid-operation, so the box's state is unknown, and
 * systemd restarts it.
 */
export class ProcessFaultHandlers {
  private readonly rejections: Counter<'plugin'>;
  private readonly exceptions: Counter<'plugin'>;

  constructor(private readonly deps: ProcessFaultDeps) {
    this.rejections = deps.metrics.counter({ name: 'xlive_unhandled_rejections_total', help: 'Promise rejections nobody handled, by the plugin they were charged to (unknown: none)', labelNames: ['plugin'] as const });
    this.exceptions = deps.metrics.counter({ name: 'xlive_uncaught_exceptions_total', help: 'Exceptions that reached the event loop, by the plugin they were charged to (unknown: none)', labelNames: ['plugin'] as const });
  }

  /** Install on `proc`; returns the uninstaller. */
  install(proc: Pick<NodeJS.Process, 'on' | 'off'>): () => void {
    const onRejection = (reason: unknown) => void this.rejection(reason);
    const onException = (err: unknown) => void this.exception(err);
    proc.on('unhandledRejection', onRejection);
    proc.on('uncaughtException', onException);
    return () => {
      proc.off('unhandledRejection', onRejection);
      proc.off('uncaughtException', onException);
    };
  }

  rejection(reason: unknown): Verdict {
    const plugin = this.charge('unhandled-rejection', reason);
    this.rejections.inc({ plugin: plugin ?? 'unknown' });
    if (!plugin) this.deps.log.error(`unhandled promise rejection (not charged to any plugin; the box keeps running): ${describe(reason)}`);
    return plugin ? { plugin } : { plugin: undefined, exit: false };
  }

  exception(err: unknown): Verdict {
    const plugin = this.charge('uncaught-exception', err);
    this.exceptions.inc({ plugin: plugin ?? 'unknown' });
    if (plugin) return { plugin };
    this.deps.log.error(`uncaught exception not charged to any plugin; the box's state is unknown, exiting 70: ${describe(err)}`);
    this.deps.exit(70);
    return { plugin: undefined, exit: true };
  }

  /** Never throws: a throw inside a process handler would end the process with code 7. */
  private charge(where: Where, err: unknown): string | undefined {
    try {
      const stack = err instanceof Error && typeof err.stack === 'string' ? err.stack : undefined;
      const plugin = stack ? pluginOfStack(stack, this.deps.plugins.codeDirs()) : undefined;
      return plugin && this.deps.plugins.chargeFault(plugin, where, err) ? plugin : undefined;
    } catch (failure) {
      this.deps.log.warn(`could not charge a ${where} to a plugin: ${failure instanceof Error ? failure.message : String(failure)}`);
      return undefined;
    }
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.stack ?? err.message;
  try {
    return `non-error value ${String(err)}`;
  } catch {
    return `non-error value of type ${typeof err}`;
  }
}
