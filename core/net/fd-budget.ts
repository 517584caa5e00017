import { readFileSync } from 'node:fs';
import type { Logger } from '../logging/logger.js';
import type { ConnectionLimits } from '../sdk/net.js';

/** The soft RLIMIT_NOFILE of this process from /proc/self/limits (undefined where unreadable or unlimited). */
export function readOpenFileLimit(read: () => string = () => readFileSync('/proc/self/limits', 'utf8')): number | undefined {
  let text: string;
  try {
    text = read();
  } catch {
    return undefined;
  }
  const m = /^Max open files\s+(\d+|unlimited)\s+/m.exec(text);
  return m && m[1] !== 'unlimited' ? Number(m[1]) : undefined;
}

/** Limits scaled down to `maxTotal`, keeping the idle/reserved proportions and the invariants. */
export function scaleLimits(l: ConnectionLimits, maxTotal: number): ConnectionLimits {
  if (maxTotal >= l.maxTotal) return l;
  const f = maxTotal / l.maxTotal;
  const reserved = l.reserved === 0 ? 0 : Math.max(1, Math.floor(l.reserved * f));
  const maxIdleTotal = Math.max(1, Math.min(Math.floor(l.maxIdleTotal * f), maxTotal - reserved - 1));
  return {
    maxTotal,
    maxIdleTotal,
    reserved,
    maxIdlePerIp: Math.max(1, Math.min(l.maxIdlePerIp, maxIdleTotal)),
    maxPerIp: Math.max(1, Math.min(l.maxPerIp, maxTotal - maxIdleTotal - reserved)),
  };
}

/**
 * The file descriptors the listeners may hold: RLIMIT_NOFILE minus a headroom for files (SQLite,
 * segments being written and served, logs, workers). HTTP claims first (at most 3/4 of it, so plugin
 * listeners keep some), plugin listeners claim what they are configured for from the rest; a claim
 * that does not fit is clamped with a warning, so the caps never promise descriptors the box lacks.
 */
export class FdBudget {
  private claimed = 0;
  readonly sockets: number;

  constructor(
    readonly limit: number | undefined,
    fileHeadroom: number,
    private readonly log: Logger,
  ) {
    this.sockets = limit === undefined ? Number.POSITIVE_INFINITY : limit - Math.min(fileHeadroom, Math.floor(limit / 4));
  }

  /** Take `wanted.maxTotal` descriptors (at most `share` of the budget); returns the limits that fit. */
  claim(name: string, wanted: ConnectionLimits, share = 1): ConnectionLimits {
    const room = Math.floor(Math.min(this.sockets * share, this.sockets - this.claimed));
    const granted = Math.max(16, Math.min(wanted.maxTotal, room));
    this.claimed += granted;
    if (granted >= wanted.maxTotal) return wanted;
    this.log.warn(
      `${name}: connection caps clamped to maxTotal ${granted} (configured ${wanted.maxTotal}): the open-file limit is ${this.limit}; ` +
        `raise it (systemd LimitNOFILE=, ulimit -n) or lower the caps`,
    );
    return scaleLimits(wanted, granted);
  }

  /** Give a closed listener's descriptors back. */
  free(maxTotal: number): void {
    this.claimed = Math.max(0, this.claimed - maxTotal);
  }
}
