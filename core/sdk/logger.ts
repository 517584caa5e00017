/**
 * The logger a plugin gets (`ctx.log`, already prefixed with its id). Lines read like
 * `[rtmp] [conn 10.0.0.5:51234] publishing live/stage`; `child(prefix)` adds a prefix. Short lower-case
 * messages; never secrets in fields.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(prefix: string): Logger;
  isLevelEnabled(level: LogLevel): boolean;
}
