import { wrap33 } from './ts-timestamp.js';

/** Transport packets are 188 bytes: a 4-byte header and 184 bytes of adaptation field + payload. */
export const TS_PACKET_BYTES = 188;
const TS_BODY_BYTES = 184;
const SYNC_BYTE = 0x47;
/** adaptation_field_control values (§2.4.3.3, Table 2-5). */
const AFC_PAYLOAD = 0x1;
const AFC_BOTH = 0x3;

export interface PesPacketOptions {
  /** PCR base in 90 kHz ticks (extension 0), written in the first packet's adaptation field. */
  pcr?: number;
  /** random_access_indicator in the first packet (§2.4.3.5): a keyframe starts here. */
  randomAccess?: boolean;
}

/**
 * Splits PES packets and PSI sections into 188-byte transport packets (ISO/IEC 13818-1 §2.4.3.2),
 * keeping one 4-bit continuity_counter per PID. Stuffing goes into the adaptation field of the last
 * packet of a PES, as §2.4.3.5 requires. Each call allocates its output once, at its final size.
 */
export class TsPacketizer {
  /** continuity_counter per PID; holds at most the handful of PIDs a muxer uses (≤ 8192 by PID range). */
  private readonly counters = new Map<number, number>();

  /** Returns the counter for the next payload-carrying packet on `pid` and advances it (wraps 15 → 0). */
  private nextCounter(pid: number): number {
    const cc = this.counters.get(pid) ?? 0;
    this.counters.set(pid, (cc + 1) % 16);
    return cc;
  }

  /** Forgets all counters (a new, independent stream). */
  reset(): void {
    this.counters.clear();
  }

  private writeHeader(out: Uint8Array, pos: number, pid: number, unitStart: boolean, afc: number): void {
    out[pos] = SYNC_BYTE; // sync_byte
    // transport_error_indicator 0 | payload_unit_start_indicator | transport_priority 0 | PID bits 12..8
    out[pos + 1] = (unitStart ? 0x40 : 0x00) | ((pid >> 8) & 0x1f);
    out[pos + 2] = pid & 0xff; // PID bits 7..0
    // transport_scrambling_control 00 | adaptation_field_control (2) | continuity_counter (4)
    out[pos + 3] = (afc << 4) | this.nextCounter(pid);
  }

  /**
   * A PSI section (PAT, PMT) as transport packets: pointer_field 0, the section, then 0xFF stuffing
   * to the end of the packet (§2.4.4.1–2).
   */
  section(pid: number, section: Uint8Array): Buffer {
    const total = 1 + section.length;
    const count = Math.ceil(total / TS_BODY_BYTES);
    const out = Buffer.alloc(count * TS_PACKET_BYTES, 0xff);
    let src = -1; // -1 is the pointer_field
    for (let p = 0; p < count; p++) {
      const base = p * TS_PACKET_BYTES;
      this.writeHeader(out, base, pid, p === 0, AFC_PAYLOAD);
      for (let i = 4; i < TS_PACKET_BYTES && src < section.length; i++, src++) {
        out[base + i] = src < 0 ? 0x00 : section[src]!;
      }
    }
    return out;
  }

  /** Number of packets a PES of `byteLength` bytes takes with the given first-packet options. */
  static pesPacketCount(byteLength: number, opts: PesPacketOptions = {}): number {
    const firstRoom = TS_BODY_BYTES - firstAdaptationBytes(opts);
    if (byteLength <= firstRoom) return 1;
    return 1 + Math.ceil((byteLength - firstRoom) / TS_BODY_BYTES);
  }

  /**
   * A PES packet, given as a list of views whose lengths add up to `byteLength` (PES header first),
   * as transport packets. The first packet sets payload_unit_start_indicator.
   */
  pes(pid: number, parts: readonly Uint8Array[], byteLength: number, opts: PesPacketOptions = {}): Buffer {
    const count = TsPacketizer.pesPacketCount(byteLength, opts);
    const out = Buffer.allocUnsafe(count * TS_PACKET_BYTES);
    let partIndex = 0;
    let partPos = 0;
    let remaining = byteLength;
    for (let p = 0; p < count; p++) {
      const base = p * TS_PACKET_BYTES;
      const first = p === 0;
      const afFixed = first ? firstAdaptationBytes(opts) : 0;
      const room = TS_BODY_BYTES - afFixed;
      const payload = Math.min(room, remaining);
      const afBytes = TS_BODY_BYTES - payload; // adaptation field incl. its length byte, 0 = none
      this.writeHeader(out, base, pid, first, afBytes > 0 ? AFC_BOTH : AFC_PAYLOAD);
      if (afBytes > 0) writeAdaptationField(out, base + 4, afBytes, first ? opts : {});
      // payload bytes: copy from the views in order
      let dst = base + 4 + afBytes;
      let left = payload;
      while (left > 0) {
        const part = parts[partIndex]!;
        const n = Math.min(left, part.length - partPos);
        out.set(part.subarray(partPos, partPos + n), dst);
        dst += n;
        left -= n;
        partPos += n;
        if (partPos === part.length) {
          partIndex++;
          partPos = 0;
        }
      }
      remaining -= payload;
    }
    return out;
  }
}

/** Adaptation field bytes (incl. length byte) the first packet needs for its flags, 0 if none. */
function firstAdaptationBytes(opts: PesPacketOptions): number {
  if (opts.pcr === undefined && !opts.randomAccess) return 0;
  // adaptation_field_length (1) + flags (1) + PCR (6)
  return 2 + (opts.pcr === undefined ? 0 : 6);
}

/**
 * Writes an adaptation field of exactly `total` bytes (incl. the length byte) at `pos` (§2.4.3.4):
 * flags, optional PCR, then 0xFF stuffing bytes.
 */
function writeAdaptationField(out: Uint8Array, pos: number, total: number, opts: PesPacketOptions): void {
  out[pos] = total - 1; // adaptation_field_length
  if (total === 1) return; // a single stuffing byte: length 0, no flags
  // discontinuity_indicator 0 | random_access_indicator | ES_priority 0 | PCR_flag | OPCR, splicing,
  // private data, extension flags = 0
  out[pos + 1] = (opts.randomAccess ? 0x40 : 0x00) | (opts.pcr !== undefined ? 0x10 : 0x00);
  let i = pos + 2;
  if (opts.pcr !== undefined) {
    writePcr(out, i, opts.pcr);
    i += 6;
  }
  out.fill(0xff, i, pos + total); // stuffing_byte
}

/**
 * program_clock_reference (§2.4.3.5): base (33) | reserved '111111' (6) | extension (9) = 0.
 * The 33-bit base is split with division, not shifts.
 */
function writePcr(out: Uint8Array, pos: number, base90k: number): void {
  const b = wrap33(base90k);
  out[pos] = Math.floor(b / 2 ** 25); // base bits 32..25
  out[pos + 1] = Math.floor(b / 2 ** 17) % 256; // base bits 24..17
  out[pos + 2] = Math.floor(b / 2 ** 9) % 256; // base bits 16..9
  out[pos + 3] = Math.floor(b / 2) % 256; // base bits 8..1
  out[pos + 4] = ((b % 2) << 7) | 0x7e; // base bit 0 | reserved | extension bit 8 = 0
  out[pos + 5] = 0x00; // extension bits 7..0
}
