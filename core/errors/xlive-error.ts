/**
 * The box's own errors, beside the SDK's (core/sdk/errors.ts, re-exported here so core code has one
 * place to import errors from). Every error has a stable `code` (never reworded once shipped), a message
 * that names the offending value, and an optional `cause`. Only the HTTP layer (core/http/problem.ts)
 * maps codes to statuses.
 */
import { XliveError } from '../sdk/errors.js';

export * from '../sdk/errors.js';

/** The last running auth provider may not be disabled through the API (409). */
export class AuthProviderRequiredError extends XliveError {
  readonly code = 'AUTH_PROVIDER_REQUIRED';
}
/** A request whose `Host` or `Origin` is not one of the box's own names (DNS rebinding, cross-site). */
export class HostNotAllowedError extends XliveError {
  readonly code = 'HOST_NOT_ALLOWED';
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
/** A WebSocket upgrade request that is not a valid RFC 6455 opening handshake: 400 before any 101. */
export class WebSocketHandshakeError extends XliveError {
  readonly code: string = 'WS_HANDSHAKE_INVALID';
}
/** A WebSocket protocol version other than 13: 426 with `Sec-WebSocket-Version: 13`. */
export class WebSocketVersionError extends WebSocketHandshakeError {
  override readonly code = 'WS_VERSION_UNSUPPORTED';
}
