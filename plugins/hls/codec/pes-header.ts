import { wrap33 } from './ts-timestamp.js';

/** stream_id values (ISO/IEC 13818-1 Table 2-22): first video / first audio stream. */
export const STREAM_ID_VIDEO = 0xe0;
export const STREAM_ID_AUDIO = 0xc0;

export interface PesHeaderOptions {
  streamId: number;
  /** 90 kHz presentation timestamp; reduced mod 2^33. */
  pts: number;
  /** 90 kHz decode timestamp; written only when given and different from `pts`. */
  dts?: number;
  /** Bytes of elementary stream data that follow the header. */
  payloadLength: number;
}

/** PES header bytes: 9 fixed + 5 for PTS, + 5 more for DTS. */
export function pesHeaderLength(opts: Pick<PesHeaderOptions, 'pts' | 'dts'>): number {
  return hasDts(opts) ? 19 : 14;
}

function hasDts(opts: Pick<PesHeaderOptions, 'pts' | 'dts'>): boolean {
  return opts.dts !== undefined && wrap33(opts.dts) !== wrap33(opts.pts);
}

/**
 * Writes a 33-bit timestamp in the 5-byte PES layout (§2.4.3.7):
 * '4-bit prefix' TS[32..30] marker | TS[29..15] marker | TS[14..0] marker.
 */
export function writePesTimestamp(out: Uint8Array, pos: number, prefix: number, ticks: number): void {
  const v = wrap33(ticks);
  const hi = Math.floor(v / 2 ** 30); // bits 32..30, 0..7
  const mid = Math.floor(v / 2 ** 15) % 2 ** 15; // bits 29..15
  const lo = v % 2 ** 15; // bits 14..0
  out[pos] = (prefix << 4) | (hi << 1) | 1;
  out[pos + 1] = mid >> 7;
  out[pos + 2] = ((mid & 0x7f) << 1) | 1;
  out[pos + 3] = lo >> 7;
  out[pos + 4] = ((lo & 0x7f) << 1) | 1;
}

/** Writes the PES header at `pos`; returns the number of bytes written. */
export function writePesHeader(out: Uint8Array, pos: number, opts: PesHeaderOptions): number {
  const withDts = hasDts(opts);
  const headerDataLength = withDts ? 10 : 5;
  // packet_start_code_prefix 0x000001 (24) + stream_id (8)
  out[pos] = 0x00;
  out[pos + 1] = 0x00;
  out[pos + 2] = 0x01;
  out[pos + 3] = opts.streamId;
  // PES_packet_length (16): bytes after this field; 0 = unbounded, allowed for video only (§2.4.3.7)
  const pesLength = 3 + headerDataLength + opts.payloadLength;
  const lengthField = pesLength > 0xffff ? 0 : pesLength;
  out[pos + 4] = lengthField >> 8;
  out[pos + 5] = lengthField & 0xff;
  // '10' | PES_scrambling_control 00 | PES_priority 0 | data_alignment_indicator 1 | copyright 0 | original_or_copy 0
  out[pos + 6] = 0x84;
  // PTS_DTS_flags ('10' PTS only, '11' both) | ESCR, ES_rate, DSM_trick_mode, additional_copy_info, PES_CRC, extension = 0
  out[pos + 7] = withDts ? 0xc0 : 0x80;
  // PES_header_data_length (8)
  out[pos + 8] = headerDataLength;
  // PTS with prefix '0011' when DTS follows, '0010' alone; DTS with prefix '0001'
  writePesTimestamp(out, pos + 9, withDts ? 0x3 : 0x2, opts.pts);
  if (withDts) writePesTimestamp(out, pos + 14, 0x1, opts.dts!);
  return 9 + headerDataLength;
}

/** The PES header as its own buffer. */
export function buildPesHeader(opts: PesHeaderOptions): Buffer {
  const out = Buffer.allocUnsafe(pesHeaderLength(opts));
  writePesHeader(out, 0, opts);
  return out;
}
