/**
 * Keeps the static system facts: gathered in a worker thread (systeminformation blocks on shell
 * commands, so never on the media event loop), cached, refreshed rarely, bounded by a timeout. Only one
 * worker runs at a time and it is terminated after answering, on timeout, and on stop.
 */
import { Worker } from 'node:worker_threads';
import { describeError, type Logger } from 'xlive/sdk';
import type { SystemFacts } from './system-facts.js';

/** Gathers facts once; rejects on timeout or abort. */
export type FactsRunner = (timeoutMs: number, signal: AbortSignal) => Promise<SystemFacts>;

/** A runner starting `workerUrl` (a module that posts `{ ok, facts | error }` once) in a worker thread. */
export function workerFactsRunner(workerUrl: URL): FactsRunner {
  return (timeoutMs, signal) => runWorker(workerUrl, timeoutMs, signal);
}

/** The real runner: `facts-worker.js` (systeminformation) in a worker thread. */
export const runFactsWorker: FactsRunner = workerFactsRunner(new URL('./facts-worker.js', import.meta.url));

function runWorker(workerUrl: URL, timeoutMs: number, signal: AbortSignal): Promise<SystemFacts> {
  return new Promise<SystemFacts>((resolve, reject) => {
    if (signal.aborted) return reject(new Error('system facts collection stopped'));
    const worker = new Worker(workerUrl);
    worker.unref();
    let settled = false;
    const finish = (err: Error | undefined, facts?: SystemFacts) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      void worker.terminate();
      if (err) reject(err);
      else resolve(facts!);
    };
    const timer = setTimeout(() => finish(new Error(`system facts took longer than ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
    const onAbort = () => finish(new Error('system facts collection stopped'));
    signal.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (m: { ok: boolean; facts?: SystemFacts; error?: string }) =>
      m.ok ? finish(undefined, m.facts) : finish(new Error(m.error ?? 'facts worker failed')),
    );
    worker.once('error', (err) => finish(err));
    worker.once('exit', (code) => finish(new Error(`facts worker exited with code ${code} before answering`)));
  });
}

export class FactsCollector {
  private current: SystemFacts | null = null;
  private lastError: string | null = null;
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private abort = new AbortController();

  constructor(
    private readonly run: FactsRunner,
    private readonly options: { refreshMs: number; timeoutMs: number },
    private readonly log: Logger,
  ) {}

  get facts(): SystemFacts | null {
    return this.current;
  }

  get error(): string | null {
    return this.lastError;
  }

  /** Gather now (in the background) and then every `refreshMs` (0: only now). */
  start(): void {
    this.abort = new AbortController();
    void this.refresh();
    if (this.options.refreshMs > 0) {
      this.timer = setInterval(() => void this.refresh(), this.options.refreshMs);
      this.timer.unref();
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.abort.abort();
  }

  /** Resolves when the current gathering ends; never rejects. */
  refresh(): Promise<void> {
    this.running ??= this.run(this.options.timeoutMs, this.abort.signal)
      .then(
        (facts) => {
          this.current = facts;
          this.lastError = null;
          const failed = Object.keys(facts.errors);
          if (failed.length) this.log.debug(`system facts incomplete: ${failed.join(', ')}`);
        },
        (err: unknown) => {
          this.lastError = describeError(err);
          if (!this.abort.signal.aborted) this.log.warn(`system facts unavailable: ${this.lastError}`);
        },
      )
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }
}
