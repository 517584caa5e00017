/**
 * One webhook URL: a bounded queue of event bodies (when full, the oldest is dropped and counted),
 * delivered one at a time in order. Each delivery is tried up to `retries + 1` times with exponential
 * backoff (a `Retry-After` in seconds is honoured up to `maxBackoffMs`); network errors, timeouts,
 * 408, 429 and 5xx are retried, other answers are final. `stop()` aborts the attempt in flight.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describeError, type Logger } from 'xlive/sdk';
import { PostTimeoutError, type PostJson } from './post-json.js';

export interface TargetOptions {
  timeoutMs: number;
  retries: number;
  backoffMs: number;
  maxBackoffMs: number;
  queueSize: number;
}

export type AttemptOutcome = 'ok' | 'http-error' | 'timeout' | 'network-error';

export interface TargetObserver {
  attempt(outcome: AttemptOutcome): void;
  delivered(): void;
  failed(): void;
  dropped(): void;
}

export interface Delivery {
  body: string;
  headers: Record<string, string>;
}

export class WebhookTarget {
  private readonly queue: Delivery[] = [];
  private pumping = false;
  private readonly abort = new AbortController();

  constructor(
    readonly url: URL,
    /** What logs and metrics show: the origin only (paths often carry secrets). */
    readonly label: string,
    private readonly options: TargetOptions,
    private readonly deps: { post: PostJson; log: Logger; observer: TargetObserver },
  ) {}

  get queued(): number {
    return this.queue.length;
  }

  get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  enqueue(delivery: Delivery): void {
    if (this.stopped) return;
    if (this.queue.length >= this.options.queueSize) {
      this.queue.shift();
      this.deps.observer.dropped();
    }
    this.queue.push(delivery);
    if (!this.pumping) void this.pump();
  }

  /** Abort the attempt in flight and forget what is queued. */
  stop(): void {
    this.abort.abort();
    this.queue.length = 0;
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      for (let next = this.queue.shift(); next && !this.stopped; next = this.queue.shift()) await this.deliver(next);
    } finally {
      this.pumping = false;
    }
  }

  private async deliver(d: Delivery): Promise<void> {
    const { retries, timeoutMs } = this.options;
    let lastProblem = '';
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (this.stopped) return;
      let retryAfterMs: number | undefined;
      try {
        const res = await this.deps.post(this.url, d.body, { ...d.headers, 'x-xlive-delivery-attempt': String(attempt + 1) }, timeoutMs, this.abort.signal);
        if (res.status >= 200 && res.status < 300) {
          this.deps.observer.attempt('ok');
          this.deps.observer.delivered();
          return;
        }
        this.deps.observer.attempt('http-error');
        lastProblem = `HTTP ${res.status}`;
        if (!retryable(res.status)) break;
        retryAfterMs = parseRetryAfter(res.headers['retry-after']);
      } catch (err) {
        if (this.stopped) return;
        const timeout = err instanceof PostTimeoutError;
        this.deps.observer.attempt(timeout ? 'timeout' : 'network-error');
        lastProblem = describeError(err);
      }
      if (attempt < retries) {
        const wait = Math.min(this.options.maxBackoffMs, retryAfterMs ?? this.options.backoffMs * 2 ** attempt);
        try {
          await sleep(wait, undefined, { signal: this.abort.signal, ref: false });
        } catch {
          return; // stopped while waiting
        }
      }
    }
    this.deps.observer.failed();
    this.deps.log.warn(`webhook ${this.label}: gave up on an event after ${retries + 1} attempt(s): ${lastProblem}`);
  }
}

function retryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function parseRetryAfter(v: string | string[] | undefined): number | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  if (!s || !/^\d{1,6}$/.test(s.trim())) return undefined;
  return Number(s.trim()) * 1000;
}
