import { RateLimitedError } from 'xlive/sdk';
import { DEFAULT_SCRYPT, hashPassword, verifyPassword, type ScryptParams } from './password-hash.js';

/** What the account service asks of password hashing. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
}

export interface PasswordWorkQueueOptions {
  /** scrypt runs at most this many at once (each takes a libuv thread and 32 MiB). */
  concurrency: number;
  /** Waiting jobs beyond the running ones; when full, new work is refused at once. */
  maxQueue: number;
  /** The real work (scrypt); injected in tests. */
  inner?: PasswordHasher;
  /** Called when the running/waiting counts change, and on each refusal (metrics). */
  onChange?: (running: number, queued: number) => void;
  onRefused?: () => void;
}

/** scrypt with the box's parameters, unbounded: what the queue wraps. */
export function scryptHasher(params: ScryptParams = DEFAULT_SCRYPT): PasswordHasher {
  return { hash: (p) => hashPassword(p, params), verify: (p, s) => verifyPassword(p, s) };
}

/**
 * Bounds the password-hashing work of the whole box (login, setup, password set and reset): a small
 * number of scrypt runs at once and a short FIFO queue. When the queue is full the caller gets
 * RateLimitedError (429, `Retry-After: 1`) at once instead of waiting behind a flood, so logins from
 * many addresses cannot take the CPU from the media path.
 */
export class PasswordWorkQueue implements PasswordHasher {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly inner: PasswordHasher;

  constructor(private readonly o: PasswordWorkQueueOptions) {
    this.inner = o.inner ?? scryptHasher();
  }

  hash(password: string): Promise<string> {
    return this.run(() => this.inner.hash(password));
  }

  verify(password: string, stored: string): Promise<boolean> {
    return this.run(() => this.inner.verify(password, stored));
  }

  get stats(): { running: number; queued: number } {
    return { running: this.running, queued: this.waiting.length };
  }

  private async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running >= this.o.concurrency) {
      if (this.waiting.length >= this.o.maxQueue) {
        this.o.onRefused?.();
        throw new RateLimitedError('the box is busy checking passwords; try again in a moment', 1);
      }
      await new Promise<void>((resolve) => {
        this.waiting.push(resolve);
        this.changed();
      });
    } else {
      this.running++;
      this.changed();
    }
    try {
      return await job();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter; `running` only drops when no one waits.
      if (next) next();
      else this.running--;
      this.changed();
    }
  }

  private changed(): void {
    this.o.onChange?.(this.running, this.waiting.length);
  }
}
