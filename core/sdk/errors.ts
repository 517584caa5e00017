/**
 * The one error hierarchy of xlive, as plugins see it. Every error has a stable `code` (never reworded
 * once shipped), a message that names the offending value, and an optional `cause`. Only the HTTP layer
 * (core/http/problem.ts) maps codes to statuses. The root (XliveError) and the parser errors
 * (ProtocolError, ParseError) live in the media library, which depends on nothing else; the box's own
 * errors (backup, update, box settings, …) are in core/errors/xlive-error.ts, which re-exports these.
 * One copy of these classes per process: a plugin that bundles its own `xlive` gets a second copy,
 * its errors fail `instanceof` and the host says so (core/plugins/sdk-copy-check.ts).
 */
import { XliveError, type XliveErrorOptions } from '../media/errors.js';

export { XliveError, ProtocolError, ParseError, type XliveErrorOptions } from '../media/errors.js';

export class StreamNotFoundError extends XliveError {
  readonly code = 'STREAM_NOT_FOUND';
}
export class StreamBusyError extends XliveError {
  readonly code = 'STREAM_BUSY';
}
export class NotFoundError extends XliveError {
  readonly code = 'NOT_FOUND';
}
export class AuthenticationError extends XliveError {
  readonly code = 'AUTHENTICATION_FAILED';
}
export class ForbiddenError extends XliveError {
  readonly code = 'FORBIDDEN';
}
export class StorageError extends XliveError {
  readonly code: string = 'STORAGE_ERROR';
}
export class StorageFullError extends StorageError {
  override readonly code = 'STORAGE_FULL';
}
export class ConfigError extends XliveError {
  readonly code = 'CONFIG_INVALID';
}
export class ValidationError extends XliveError {
  readonly code = 'VALIDATION_FAILED';
}
export class PayloadTooLargeError extends XliveError {
  readonly code = 'PAYLOAD_TOO_LARGE';
}
export class RateLimitedError extends XliveError {
  readonly code = 'RATE_LIMITED';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    options: XliveErrorOptions = {},
  ) {
    super(message, options);
  }
}
/** A `Range` request none of whose ranges lies inside the representation (HTTP 416, RFC 9110 §15.5.17). */
export class RangeNotSatisfiableError extends XliveError {
  readonly code = 'RANGE_NOT_SATISFIABLE';
  constructor(
    message: string,
    /** The complete length, sent in `Content-Range: bytes *\/<size>`. */
    readonly size: number,
    options: XliveErrorOptions = {},
  ) {
    super(message, options);
  }
}
export class LimitExceededError extends XliveError {
  readonly code = 'LIMIT_EXCEEDED';
}
/** A connection cap (per client address or of a listener) refused a new session. */
export class ConnectionLimitError extends XliveError {
  readonly code = 'CONNECTION_LIMIT';
}
export class ConflictError extends XliveError {
  readonly code = 'CONFLICT';
}
/**
 * No auth provider is running, so the box cannot decide who may do what: it refuses (503). The message
 * is what a stranger may read; the reason (which plugin, its error) and the fix go to the log and
 * /readyz.
 */
export class AuthUnavailableError extends XliveError {
  readonly code = 'AUTH_UNAVAILABLE';
}
/** A data file (a secret, a database) is damaged; the message names its path and the fix. */
export class DamagedFileError extends XliveError {
  readonly code = 'FILE_DAMAGED';
}
/** Granting a role or scope the caller does not hold itself. */
export class ScopeNotHeldError extends XliveError {
  readonly code = 'SCOPE_NOT_HELD';
}
/** A route's `doc` (RouteOptions.doc) does not compile: a registration error naming the route and owner. */
export class RouteDocInvalidError extends XliveError {
  readonly code = 'ROUTE_DOC_INVALID';
}
export class DatabaseError extends XliveError {
  readonly code: string = 'DATABASE_ERROR';
}
export class DatabaseCorruptError extends DatabaseError {
  override readonly code = 'DATABASE_CORRUPT';
}

/** Plugin errors carry a finer code (manifest invalid, api mismatch, setup failed, …). */
export type PluginErrorCode =
  | 'PLUGIN_MANIFEST_INVALID'
  | 'PLUGIN_API_MISMATCH'
  | 'PLUGIN_DEPENDENCY_MISSING'
  | 'PLUGIN_DEPENDENCY_FAILED'
  | 'PLUGIN_DEPENDENCY_CYCLE'
  | 'PLUGIN_DUPLICATE_ID'
  | 'PLUGIN_IMPORT_FAILED'
  | 'PLUGIN_SETUP_FAILED'
  | 'PLUGIN_START_FAILED'
  | 'PLUGIN_START_TIMEOUT'
  | 'PLUGIN_STOP_FAILED'
  | 'PLUGIN_CONFIG_INVALID'
  | 'PLUGIN_REGISTRATION_CLOSED'
  | 'PLUGIN_PERMISSION_DENIED'
  | 'PLUGIN_MOUNT_CONFLICT'
  | 'PLUGIN_CONSENT_REQUIRED'
  | 'PLUGIN_CONFIG_SCHEMA_INVALID'
  /** Its callbacks failed too often (`pluginHost.faultLimit` within `faultWindowMs`): the host stopped it. */
  | 'PLUGIN_FAULTED'
  /** A route or upgrade of a plugin that is not running (failed, stopped): 503. */
  | 'PLUGIN_NOT_RUNNING'
  /** The plugin cannot be restarted in place (see PluginHost.restart): 409, restart the service. */
  | 'PLUGIN_RESTART_UNSUPPORTED'
  /** An uploaded plugin package is not a well-formed, safe .tgz of a plugin (core/plugins/plugin-archive.ts): 400. */
  | 'PLUGIN_PACKAGE_INVALID'
  /** A plugin package larger than `pluginHost.maxPackageBytes` or unpacking to more than `maxPackageUnpackedBytes`: 413. */
  | 'PLUGIN_PACKAGE_TOO_LARGE'
  /** A package ships a native module (`*.node`) built for another CPU architecture: 400. */
  | 'PLUGIN_NATIVE_ARCH_MISMATCH'
  /** Install of an id that is already installed (use update): 409. */
  | 'PLUGIN_ALREADY_INSTALLED'
  /** Install over, update or uninstall of a first-party (built-in) plugin: 409. */
  | 'PLUGIN_BUILTIN'
  /** Its main file is CommonJS (no `"type": "module"`, or tsc's CommonJS output): plugins are ES modules. */
  | 'PLUGIN_MODULE_FORMAT'
  /** It ships its own copy of the SDK (`node_modules/xlive`): its errors would not be the box's (400 at install). */
  | 'PLUGIN_SDK_BUNDLED';

export class PluginError extends XliveError {
  constructor(
    readonly code: PluginErrorCode,
    message: string,
    options: XliveErrorOptions = {},
  ) {
    super(message, options);
  }
}

export function isXliveError(err: unknown): err is XliveError {
  return err instanceof XliveError;
}

/** A short, single-line description of any thrown value, for logs. */
export function describeError(err: unknown): string {
  if (err instanceof XliveError) return `${err.code}: ${err.message}`;
  if (err instanceof Error) return err.message;
  return String(err);
}
