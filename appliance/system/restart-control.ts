import type { EventInit } from '../../core/sdk/events.js';

/** One request to restart the box in place. */
export interface RestartRequest {
  /** Who asked (`user:admin`, `token:ci`), for the log. */
  actor: string;
  reason: string;
  /** Runs while the box is stopped, before it starts again (a restore puts the backup in place). */
  whileStopped?: () => void | Promise<void>;
  /** Recorded in the event log of the box that starts (a restore replaced the old log). */
  announce?: EventInit;
}

/**
 * The in-process restart of `xlive serve`: the API asks (`request`), the serve loop waits (`next`),
 * stops the appliance, runs `whileStopped`, builds a fresh composition root and starts it — same
 * PID, so it behaves the same under systemd, npm start and the tests. One request at a time; it is
 * handed over after `delayMs`, so the 202 answer leaves before the HTTP server closes.
 */
export class RestartControl {
  private pending: RestartRequest | undefined;
  private waiter: ((r: RestartRequest) => void) | undefined;
  private queued: RestartRequest | undefined;

  constructor(private readonly delayMs = 150) {}

  /** Ask for a restart; false when one is already under way. */
  request(r: RestartRequest): boolean {
    if (this.pending) return false;
    this.pending = r;
    setTimeout(() => {
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = undefined;
        w(r);
      } else this.queued = r;
    }, this.delayMs);
    return true;
  }

  get isPending(): boolean {
    return this.pending !== undefined;
  }

  /** The next restart request (the serve loop). */
  next(): Promise<RestartRequest> {
    if (this.queued) {
      const q = this.queued;
      this.queued = undefined;
      return Promise.resolve(q);
    }
    return new Promise((resolve) => (this.waiter = resolve));
  }

  /** The restart finished (the new box started): another may be asked for. */
  done(): void {
    this.pending = undefined;
  }
}
