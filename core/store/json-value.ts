import { DatabaseError, PayloadTooLargeError, ValidationError } from '../errors/xlive-error.js';

/**
 * Serialise a value for a JSON column. Throws ValidationError when it has no JSON form
 * (undefined, a function, a BigInt, a cycle) and PayloadTooLargeError above `maxBytes` (UTF-8).
 * `what` names the value in the message (`setting http.port`).
 */
export function encodeJson(value: unknown, maxBytes: number, what: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new ValidationError(`${what} cannot be stored as JSON: ${(err as Error).message}`, { cause: err });
  }
  if (text === undefined) throw new ValidationError(`${what} cannot be stored as JSON (it is ${typeof value})`);
  // A UTF-8 byte is at least one UTF-16 unit, so a short string needs no count.
  if (text.length > maxBytes || (text.length * 3 > maxBytes && Buffer.byteLength(text) > maxBytes)) {
    throw new PayloadTooLargeError(`${what} is larger than ${maxBytes} bytes as JSON`, {
      details: { maxBytes },
    });
  }
  return text;
}

/** Parse a JSON column; a value that does not parse means the row was damaged outside xlive. */
export function decodeJson(text: string, what: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new DatabaseError(`database ${file}: ${what} holds invalid JSON: ${(err as Error).message}`, {
      cause: err,
      details: { file },
    });
  }
}
