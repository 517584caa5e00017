/**
 * The logger behind the SDK's `Logger` (core/sdk/logger.ts): sinks, formats, levels. Lines read like
 * `[rtmp] [conn 10.0.0.5:51234] publishing live/stage`. `XLIVE_LOG_FORMAT=json` switches the sink to
 * JSON lines. No static loggers: every part gets a child.
 */
import type { LogLevel, Logger } from '../sdk/logger.js';

export type { LogLevel, Logger } from '../sdk/logger.js';

export type LogFormat = 'text' | 'json';

export interface LogRecord {
  time: Date;
  level: Exclude<LogLevel, 'silent'>;
  prefixes: readonly string[];
  msg: string;
  fields: Record<string, unknown> | undefined;
}

export type LogSink = (record: LogRecord) => void;

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export function isLogLevel(v: unknown): v is LogLevel {
  return typeof v === 'string' && v in RANK;
}

export function formatText(r: LogRecord): string {
  const pre = r.prefixes.map((p) => `[${p}] `).join('');
  let line = `${r.time.toISOString()} ${r.level.padEnd(5)} ${pre}${r.msg}`;
  if (r.fields) {
    for (const [k, v] of Object.entries(r.fields)) line += ` ${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`;
  }
  return line;
}

export function formatJson(r: LogRecord): string {
  return JSON.stringify({
    time: r.time.toISOString(),
    level: r.level,
    scope: r.prefixes.join(' '),
    msg: r.msg,
    ...r.fields,
  });
}

/** A sink that writes lines to a stream (stdout by default). */
export function streamSink(format: LogFormat, out: NodeJS.WritableStream = process.stdout): LogSink {
  const fmt = format === 'json' ? formatJson : formatText;
  return (r) => {
    out.write(fmt(r) + '\n');
  };
}

export class SinkLogger implements Logger {
  constructor(
    private readonly sink: LogSink,
    private readonly level: LogLevel,
    private readonly prefixes: readonly string[] = [],
    private readonly clock: () => Date = () => new Date(),
  ) {}

  isLevelEnabled(level: LogLevel): boolean {
    return RANK[level] >= RANK[this.level] && this.level !== 'silent';
  }

  private emit(level: Exclude<LogLevel, 'silent'>, msg: string, fields?: Record<string, unknown>): void {
    if (!this.isLevelEnabled(level)) return;
    this.sink({ time: this.clock(), level, prefixes: this.prefixes, msg, fields });
  }

  debug(msg: string, fields?: Record<string, unknown>): void {
    this.emit('debug', msg, fields);
  }
  info(msg: string, fields?: Record<string, unknown>): void {
    this.emit('info', msg, fields);
  }
  warn(msg: string, fields?: Record<string, unknown>): void {
    this.emit('warn', msg, fields);
  }
  error(msg: string, fields?: Record<string, unknown>): void {
    this.emit('error', msg, fields);
  }
  child(prefix: string): Logger {
    return new SinkLogger(this.sink, this.level, [...this.prefixes, prefix], this.clock);
  }
}

/** A logger that drops everything; for tests and tools. */
export function silentLogger(): Logger {
  return new SinkLogger(() => undefined, 'silent');
}
