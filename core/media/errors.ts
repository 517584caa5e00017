/**
 * The root of xlive's one error hierarchy, and the error every parser of the media library throws.
 * Kept here so the media library depends on nothing but Node; `core/errors/xlive-error.ts` (and so
 * `xlive/sdk`) re-exports these very classes, so `instanceof ParseError` holds across the SDK, the
 * media library and every plugin. Every error has a stable `code` (never reworded once shipped), a
 * message that names the offending value, and an optional `cause`; only the HTTP layer maps codes
 * to statuses.
 */
export interface XliveErrorOptions {
  cause?: unknown;
  /** Extra machine-readable fields, copied into problem+json (never secrets). */
  details?: Record<string, unknown>;
}

export abstract class XliveError extends Error {
  abstract readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(message: string, options: XliveErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options.details;
  }
}

/** Input that breaks a protocol's or format's rules (or cannot be written in it). */
export class ProtocolError extends XliveError {
  readonly code: string = 'PROTOCOL_ERROR';
}

/** A parser's error: names the byte offset where the input went wrong. */
export class ParseError extends ProtocolError {
  override readonly code = 'PARSE_ERROR';
  constructor(
    message: string,
    readonly offset: number,
    options: XliveErrorOptions = {},
  ) {
    super(`${message} (at byte ${offset})`, options);
  }
}
