import { ParseError } from 'xlive/sdk';
import { EcmaArray, decodeAmf0Partial, encodeAmf0 } from 'xlive/media';

/**
 * Incoming command and data messages (RTMP 1.0 spec 7.1.1, 7.2). AMF0 messages (types 20/18) are
 * AMF0 values; AMF3 messages (17/15) start with a format byte 0x00 and then AMF0 values that may
 * switch to AMF3 per value (marker 0x11).
 */

export interface RtmpCommand {
  name: string;
  transactionId: number;
  /** The command object (null for most stream commands). */
  object: unknown;
  /** Arguments after the command object. */
  args: unknown[];
  /** A malformed value after the arguments that could be read, if any. */
  trailingError?: ParseError;
}

/**
 * Where the AMF0 values start: past the 0x00 format byte of AMF3-typed messages. Commands and data
 * start with a string, so a leading 0x00 (the AMF0 number marker) can only be that format byte.
 */
function amfStart(payload: Uint8Array, amf3: boolean): number {
  return amf3 && payload.length > 0 && payload[0] === 0x00 ? 1 : 0;
}

/** Parse a command: name (string) and transaction id (number) are required. */
export function parseCommand(payload: Uint8Array, amf3 = false): RtmpCommand {
  const start = amfStart(payload, amf3);
  const { values, error } = decodeAmf0Partial(payload.subarray(start), { base: start });
  const [name, transactionId, object = null, ...args] = values;
  if (typeof name !== 'string') throw error ?? new ParseError('command message without a command name', start);
  if (typeof transactionId !== 'number') {
    throw error ?? new ParseError(`command ${JSON.stringify(name.slice(0, 40))} without a transaction id`, start);
  }
  return { name, transactionId, object, args, trailingError: error };
}

export interface DataMessage {
  /** Handler name (`@setDataFrame`, `onMetaData`, `onTextData`, `onCuePoint`, …). */
  name: string;
  values: unknown[];
}

/** Parse a data message; the first value must be a string handler name. */
export function parseData(payload: Uint8Array, amf3 = false): DataMessage {
  const start = amfStart(payload, amf3);
  const { values, error } = decodeAmf0Partial(payload.subarray(start), { base: start });
  if (error) throw error;
  const name = values[0];
  if (typeof name !== 'string') throw new ParseError('data message without a handler name', start);
  return { name, values: values.slice(1) };
}

export interface StreamMetadata {
  /** An FLV script tag body: `onMetaData` + ECMA array, without any `@setDataFrame` prefix. */
  payload: Uint8Array;
  values: Record<string, unknown>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !ArrayBuffer.isView(v);
}

/** Scalar fields only: what onMetaData carries, and always encodable. */
function scalars(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') {
      if (k !== '__proto__') out[k] = v;
    }
  }
  return out;
}

/**
 * Stream metadata from `@setDataFrame onMetaData {…}` (what encoders send) or a bare `onMetaData`.
 * A well-formed AMF0 message is passed on as a view of the received bytes with the prefix cut off;
 * anything else (AMF3, a missing `onMetaData` name) is re-encoded from its scalar fields.
 * Returns null for other data messages.
 */
export function metadataFrom(payload: Uint8Array, amf3 = false): StreamMetadata | null {
  const start = amfStart(payload, amf3);
  const { values, ends, error, switchedToAmf3 } = decodeAmf0Partial(payload.subarray(start), { base: start });
  if (error) throw error;
  let i = 0;
  if (values[0] === '@setDataFrame') i = 1;
  const named = values[i] === 'onMetaData';
  const obj = values[named ? i + 1 : i];
  if (!named && i === 0) return null;
  if (!isRecord(obj)) return { payload: encodeAmf0(['onMetaData', new EcmaArray({})]), values: {} };
  const plainAmf0 = !amf3 && named && !switchedToAmf3;
  if (plainAmf0) {
    const from = i === 0 ? 0 : ends[i - 1]!;
    return { payload: payload.subarray(start + from, start + ends[i + 1]!), values: obj };
  }
  const clean = scalars(obj);
  return { payload: encodeAmf0(['onMetaData', new EcmaArray(clean)]), values: clean };
}
