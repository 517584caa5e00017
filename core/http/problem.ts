import { isXliveError, RangeNotSatisfiableError, RateLimitedError, WebSocketVersionError, type XliveError } from '../errors/xlive-error.js';

/** The one place error codes become HTTP statuses (RFC 9457 problem details). */
const STATUS_BY_CODE: Record<string, number> = {
  STREAM_NOT_FOUND: 404,
  NOT_FOUND: 404,
  STREAM_BUSY: 409,
  CONFLICT: 409,
  AUTHENTICATION_FAILED: 401,
  AUTH_UNAVAILABLE: 503,
  AUTH_PROVIDER_REQUIRED: 409,
  FORBIDDEN: 403,
  HOST_NOT_ALLOWED: 403,
  SCOPE_NOT_HELD: 403,
  PROTOCOL_ERROR: 400,
  PARSE_ERROR: 400,
  VALIDATION_FAILED: 400,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  RANGE_NOT_SATISFIABLE: 416,
  LIMIT_EXCEEDED: 503,
  CONNECTION_LIMIT: 503,
  STORAGE_ERROR: 500,
  STORAGE_FULL: 507,
  CONFIG_INVALID: 500,
  DATABASE_ERROR: 500,
  DATABASE_CORRUPT: 500,
  FILE_DAMAGED: 500,
  PLUGIN_CONFIG_INVALID: 400,
  PLUGIN_MANIFEST_INVALID: 400,
  PLUGIN_CONSENT_REQUIRED: 409,
  PLUGIN_NOT_RUNNING: 503,
  UPDATE_UNSUPPORTED: 409,
  UPDATE_PACKAGE_INVALID: 400,
  BOX_SETTINGS_UNSUPPORTED: 409,
  BACKUP_INVALID: 400,
  BACKUP_INCOMPATIBLE: 409,
  CONFIG_LOCKED: 409,
  PLUGIN_RESTART_UNSUPPORTED: 409,
  PLUGIN_PACKAGE_INVALID: 400,
  PLUGIN_PACKAGE_TOO_LARGE: 413,
  PLUGIN_NATIVE_ARCH_MISMATCH: 400,
  PLUGIN_ALREADY_INSTALLED: 409,
  PLUGIN_BUILTIN: 409,
  PLUGIN_API_MISMATCH: 409,
  PLUGIN_DEPENDENCY_MISSING: 409,
  PLUGIN_CONFIG_SCHEMA_INVALID: 400,
  PLUGIN_SDK_BUNDLED: 400,
  PLUGIN_MODULE_FORMAT: 400,
  ROUTE_DOC_INVALID: 500,
  WS_HANDSHAKE_INVALID: 400,
  WS_VERSION_UNSUPPORTED: 426,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  426: 'Upgrade Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  507: 'Insufficient Storage',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  requestId?: string;
  [extra: string]: unknown;
}

export interface ProblemResponse {
  status: number;
  body: Problem;
  headers: Record<string, string>;
}

export function statusForCode(code: string): number {
  return STATUS_BY_CODE[code] ?? (code.startsWith('PLUGIN_') ? 500 : 500);
}

export function problemType(code: string): string {
  return `urn:xlive:problem:${code.toLowerCase().replace(/_/g, '-')}`;
}

/** Map any thrown value to a problem. Unknown errors become a bare 500: details stay in the log. */
export function toProblem(err: unknown, instance?: string, requestId?: string): ProblemResponse {
  const headers: Record<string, string> = { 'content-type': 'application/problem+json' };
  if (!isXliveError(err)) {
    return {
      status: 500,
      headers,
      body: {
        type: problemType('INTERNAL_ERROR'),
        title: TITLES[500]!,
        status: 500,
        code: 'INTERNAL_ERROR',
        detail: `an internal error occurred; quote request id ${requestId ?? '-'} when reporting it`,
        instance,
        requestId,
      },
    };
  }
  const e = err as XliveError;
  const status = statusForCode(e.code);
  if (e instanceof RateLimitedError) headers['retry-after'] = String(Math.max(1, Math.ceil(e.retryAfterSeconds)));
  if (e instanceof RangeNotSatisfiableError) headers['content-range'] = `bytes */${e.size}`;
  if (e instanceof WebSocketVersionError) headers['sec-websocket-version'] = '13';
  if (status === 401) headers['www-authenticate'] = 'Bearer realm="xlive"';
  const detail = status >= 500 && e.code === 'DATABASE_ERROR' ? 'a database error occurred' : e.message;
  return {
    status,
    headers,
    body: { ...(e.details ?? {}), type: problemType(e.code), title: TITLES[status] ?? 'Error', status, code: e.code, detail, instance, requestId },
  };
}

/** A problem for a plain HTTP status without an error object (404 route, 405). */
export function statusProblem(status: number, code: string, detail: string, instance?: string, requestId?: string): ProblemResponse {
  return {
    status,
    headers: { 'content-type': 'application/problem+json' },
    body: { type: problemType(code), title: TITLES[status] ?? 'Error', status, code, detail, instance, requestId },
  };
}
