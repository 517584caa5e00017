/**
 * The one error hierarchy of xlive. Every error has a stable `code` (never reworded once shipped),
 * a message that names the offending value, and an optional `cause`. Only the HTTP layer
 * (core/http/problem.ts) maps codes to statuses. The root (XliveError) and the parser errors
 * (ProtocolError, ParseError) live in the media library, which depends on nothing else.
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
/** A WebSocket upgrade request that is not a valid RFC 6455 opening handshake: 400 before any 101. */
export class WebSocketHandshakeError extends XliveError {
  readonly code: string = 'WS_HANDSHAKE_INVALID';
}
/** A WebSocket protocol version other than 13: 426 with `Sec-WebSocket-Version: 13`. */
export class WebSocketVersionError extends WebSocketHandshakeError {
  override readonly code = 'WS_VERSION_UNSUPPORTED';
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
/** The last running auth provider may not be disabled through the API (409). */
export class AuthProviderRequiredError extends XliveError {
  readonly code = 'AUTH_PROVIDER_REQUIRED';
}
/** A data file (a secret, a database) is damaged; the message names its path and the fix. */
export class DamagedFileError extends XliveError {
  readonly code = 'FILE_DAMAGED';
}
/** A request whose `Host` or `Origin` is not one of the box's own names (DNS rebinding, cross-site). */
export class HostNotAllowedError extends XliveError {
  readonly code = 'HOST_NOT_ALLOWED';
}
/** Granting a role or scope the caller does not hold itself. */
export class ScopeNotHeldError extends XliveError {
  readonly code = 'SCOPE_NOT_HELD';
}
/** A backup archive that is not one (format, checksum, path, size): refused before anything is replaced (400). */
export class BackupInvalidError extends XliveError {
  readonly code = 'BACKUP_INVALID';
}
/** A valid backup this release cannot restore (a newer format or database schema) (409). */
export class BackupIncompatibleError extends XliveError {
  readonly code = 'BACKUP_INCOMPATIBLE';
}
/**
 * A configuration key the API may not change: set by the environment (a higher layer than the
 * settings the API writes), a path, or console-only (`auth.*`, `pluginHost.disable`). 409;
 * `details.locked` lists each key with its layer and reason.
 */
export class ConfigLockedError extends XliveError {
  readonly code = 'CONFIG_LOCKED';
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
  | 'PLUGIN_BUILTIN';

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
/** This box cannot update itself (it was not installed from the xlive package, or its updater is missing). */
export class UpdateUnsupportedError extends XliveError {
  readonly code = 'UPDATE_UNSUPPORTED';
}
/** An uploaded update is not an xlive package for this box (not a .deb, another package or architecture). */
export class UpdatePackageInvalidError extends XliveError {
  readonly code = 'UPDATE_PACKAGE_INVALID';
}
/** This box cannot change its hostname, network or time zone (no root helper: not installed from the package). */
export class BoxSettingsUnsupportedError extends XliveError {
  readonly code = 'BOX_SETTINGS_UNSUPPORTED';
}
