/** Loggers for tests: one that drops everything, one that keeps every line for assertions. */
import { SinkLogger, silentLogger as silent, type LogLevel, type Logger } from '../../logging/logger.js';

/** One logged line: its level, its prefixes (`['rtmp', 'conn 127.0.0.1:5000']`), message and fields. */
export interface RecordedLine {
  time: Date;
  level: Exclude<LogLevel, 'silent'>;
  prefixes: readonly string[];
  msg: string;
  fields: Record<string, unknown> | undefined;
}

export interface RecordingLogger {
  log: Logger;
  /** Every line so far, oldest first (bounded by `max`: the oldest are dropped). */
  lines: RecordedLine[];
  /** The first line whose `[prefix] [prefix] msg` text matches `re`. */
  find(re: RegExp): RecordedLine | undefined;
}

/** A logger that drops everything. */
export function silentLogger(): Logger {
  return silent();
}

/** A logger that records lines at `level` and above (default debug), keeping at most `max` (10,000). */
export function recordingLogger(opts: { level?: LogLevel; prefixes?: string[]; max?: number } = {}): RecordingLogger {
  const lines: RecordedLine[] = [];
  const max = opts.max ?? 10_000;
  const log = new SinkLogger(
    (r) => {
      lines.push(r);
      if (lines.length > max) lines.shift();
    },
    opts.level ?? 'debug',
    opts.prefixes ?? [],
  );
  return { log, lines, find: (re) => lines.find((r) => re.test(`${r.prefixes.map((p) => `[${p}]`).join(' ')} ${r.msg}`)) };
}
