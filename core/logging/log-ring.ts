import type { LogLevel, LogRecord, LogSink } from './logger.js';
import { redactFields, redactText } from './log-redact.js';

/** One line kept by the ring, already redacted. */
export interface LogEntry {
  /** Increasing number of the line since the process started (a cursor). */
  seq: number;
  time: string;
  level: Exclude<LogLevel, 'silent'>;
  /** `core`, or the plugin / part that logged it (the first prefix: `auth-local`, `http`, `db`…). */
  source: string;
  /** Every prefix, space-separated (`rtmp conn 10.0.0.5:51234`). */
  scope: string;
  msg: string;
}

export interface LogRingLimits {
  /** Keep at most this many lines … */
  maxLines: number;
  /** … and at most about this many bytes of them (the oldest go first). */
  maxBytes: number;
}

export interface LogQuery {
  /** This level and above. */
  level?: Exclude<LogLevel, 'silent'>;
  /** ISO time: lines at or after it. */
  since?: string;
  /** Only lines whose source is this. */
  source?: string;
  /** Only lines older than this seq (paging back). */
  beforeSeq?: number;
  limit: number;
}

const RANK = { debug: 10, info: 20, warn: 30, error: 40 } as const;
const MAX_LINE_CHARS = 4096;
/** Per-line overhead counted against `maxBytes` besides the text (the object and its fields). */
const LINE_OVERHEAD = 96;

/**
 * The recent log lines in memory, bounded by count and bytes, for `GET /api/v1/logs` (a remote admin
 * cannot reach journald). Every line is redacted on the way IN (log-redact.ts), so no reader of the
 * ring ever sees a secret. Fed by the logger's sink (`tee`); survives an in-process restart.
 */
export class LogRing {
  private lines: LogEntry[] = [];
  private head = 0;
  private bytes = 0;
  private seq = 0;

  constructor(private limits: LogRingLimits) {}

  configure(limits: LogRingLimits): void {
    this.limits = limits;
    this.evict();
  }

  /** A sink that keeps each record here and passes it on to `next`. */
  tee(next: LogSink): LogSink {
    return (r) => {
      this.push(r);
      next(r);
    };
  }

  push(r: LogRecord): void {
    let msg = redactText(r.msg) + (r.fields ? redactFields(r.fields) : '');
    if (msg.length > MAX_LINE_CHARS) msg = `${msg.slice(0, MAX_LINE_CHARS)}… (truncated)`;
    const entry: LogEntry = {
      seq: ++this.seq,
      time: r.time.toISOString(),
      level: r.level,
      source: r.prefixes[0] ?? 'core',
      scope: redactText(r.prefixes.join(' ')),
      msg,
    };
    this.lines.push(entry);
    this.bytes += sizeOf(entry);
    this.evict();
  }

  /** Newest first. */
  query(q: LogQuery): LogEntry[] {
    const out: LogEntry[] = [];
    const min = q.level ? RANK[q.level] : 0;
    for (let i = this.lines.length - 1; i >= this.head && out.length < q.limit; i--) {
      const e = this.lines[i]!;
      if (q.beforeSeq !== undefined && e.seq >= q.beforeSeq) continue;
      if (q.since !== undefined && e.time < q.since) break;
      if (RANK[e.level] < min) continue;
      if (q.source !== undefined && e.source !== q.source) continue;
      out.push(e);
    }
    return out;
  }

  get size(): { lines: number; bytes: number } {
    return { lines: this.lines.length - this.head, bytes: this.bytes };
  }

  private evict(): void {
    while (this.lines.length - this.head > 0 && (this.lines.length - this.head > this.limits.maxLines || this.bytes > this.limits.maxBytes)) {
      this.bytes -= sizeOf(this.lines[this.head]!);
      this.head++;
    }
    // Compact now and then so the array does not grow without bound.
    if (this.head > 1024 && this.head * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.head);
      this.head = 0;
    }
  }
}

function sizeOf(e: LogEntry): number {
  return Buffer.byteLength(e.msg) + Buffer.byteLength(e.scope) + LINE_OVERHEAD;
}
