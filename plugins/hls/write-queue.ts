/**
 * One stream's storage writes, run one at a time in order, never awaited by the hot path. Bounded:
 * over `maxPending` waiting droppable jobs the oldest waiting one is dropped (and told so); a hard cap
 * bounds everything else. A closed queue drops what waits and refuses new jobs.
 */
export interface WriteJob {
  /** Droppable jobs (segments) give way under pressure; others (playlist end, cleanup) do not. */
  droppable: boolean;
  run(): Promise<void>;
  /** Called instead of `run` when the job is dropped or the queue is closed. */
  dropped?(reason: 'overflow' | 'closed'): void;
}

/** Absolute bound on waiting jobs, droppable or not. */
const HARD_CAP = 64;

export class WriteQueue {
  private readonly waiting: WriteJob[] = [];
  private running = false;
  private closed = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly maxPending: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Jobs waiting (not counting the one running). */
  get pending(): number {
    return this.waiting.length;
  }

  get busy(): boolean {
    return this.running || this.waiting.length > 0;
  }

  push(job: WriteJob): void {
    if (this.closed) {
      job.dropped?.('closed');
      return;
    }
    this.waiting.push(job);
    let droppable = 0;
    for (const j of this.waiting) if (j.droppable) droppable++;
    while (droppable > this.maxPending) {
      const i = this.waiting.findIndex((j) => j.droppable);
      this.waiting.splice(i, 1)[0]!.dropped?.('overflow');
      droppable--;
    }
    while (this.waiting.length > HARD_CAP) this.waiting.shift()!.dropped?.('overflow');
    if (!this.running) void this.pump();
  }

  /** Resolves when nothing runs or waits. */
  idle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drop waiting jobs and refuse new ones; the running job finishes (see `idle()`). */
  close(): void {
    this.closed = true;
    for (const job of this.waiting.splice(0)) job.dropped?.('closed');
    if (!this.running) this.settle();
  }

  private async pump(): Promise<void> {
    this.running = true;
    while (this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      try {
        await job.run();
      } catch (err) {
        try {
          this.onError(err);
        } catch {
          // an error reporter must not stop the queue
        }
      }
    }
    this.running = false;
    this.settle();
  }

  private settle(): void {
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
