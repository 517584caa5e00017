import type { PluginTimer, PluginTimers } from '../sdk/faults.js';
import type { FaultBoundary } from './plugin-faults.js';

const NOOP: PluginTimer = Object.freeze({ clear: () => undefined });

/** `ctx.timers`: timers behind the plugin's fault boundary, all cleared when the plugin stops or fails. */
export class PluginTimerSet implements PluginTimers {
  private readonly live = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly faults: FaultBoundary) {}

  setTimeout(fn: () => unknown, ms: number): PluginTimer {
    if (this.closed) return NOOP;
    const t = setTimeout(() => {
      this.live.delete(t);
      this.faults.call('timer', fn);
    }, ms);
    return this.track(t);
  }

  setInterval(fn: () => unknown, ms: number): PluginTimer {
    if (this.closed) return NOOP;
    return this.track(setInterval(() => this.faults.call('timer', fn), ms));
  }

  /** How many timers are pending (tests, diagnostics). */
  get size(): number {
    return this.live.size;
  }

  /** Clear every timer; later ones are not started. */
  clearAll(): void {
    this.closed = true;
    for (const t of this.live) clearTimeout(t);
    this.live.clear();
  }

  private track(t: NodeJS.Timeout): PluginTimer {
    this.live.add(t);
    return {
      clear: () => {
        clearTimeout(t);
        this.live.delete(t);
      },
    };
  }
}

/**
 * `ctx.run(work)`: async work whose failure is the plugin's fault, never an unhandled rejection.
 * After the plugin stopped, a failure is only logged at debug level (aborted work is expected then).
 */
export function runGuarded<T>(faults: FaultBoundary, debug: (msg: string) => void, work: Promise<T> | (() => T | Promise<T>)): Promise<T | undefined> {
  let p: Promise<T>;
  try {
    p = Promise.resolve(typeof work === 'function' ? faults.timed('async', work) : work);
  } catch (err) {
    p = Promise.reject(err);
  }
  return p.catch((err: unknown) => {
    if (faults.isClosed) debug(`work after stop failed: ${err instanceof Error ? err.message : String(err)}`);
    else faults.fault('async', err);
    return undefined;
  });
}
