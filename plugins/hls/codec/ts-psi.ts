import { crc32Mpeg2 } from './crc32-mpeg2.js';

/** stream_type values (ISO/IEC 13818-1 Table 2-34, with amendments). */
export const STREAM_TYPE = {
  /** AVC video stream (ITU-T H.264). */
  H264: 0x1b,
  /** HEVC video stream (ITU-T H.265). */
  H265: 0x24,
  /** ISO/IEC 13818-7 audio with ADTS transport syntax. */
  AAC_ADTS: 0x0f,
} as const;

export interface PatOptions {
  transportStreamId?: number;
  programNumber?: number;
  pmtPid: number;
  version?: number;
}

export interface PmtStream {
  streamType: number;
  pid: number;
}

export interface PmtOptions {
  programNumber?: number;
  pcrPid: number;
  streams: readonly PmtStream[];
  version?: number;
}

/**
 * Writes the long-form section header shared by PAT and PMT (§2.4.4.3 / §2.4.4.8) and returns the
 * section buffer with room for the body and CRC; `bodyLength` excludes the 8-byte header and CRC.
 */
function sectionShell(tableId: number, idExtension: number, version: number, bodyLength: number): Buffer {
  // section_length counts everything after its own field: 5 header bytes + body + CRC_32 (4)
  const sectionLength = 5 + bodyLength + 4;
  const s = Buffer.alloc(3 + sectionLength);
  s[0] = tableId; // table_id (8)
  // section_syntax_indicator 1 | '0' | reserved '11' | section_length (12)
  s[1] = 0xb0 | (sectionLength >> 8);
  s[2] = sectionLength & 0xff;
  // transport_stream_id (PAT) / program_number (PMT) (16)
  s[3] = idExtension >> 8;
  s[4] = idExtension & 0xff;
  // reserved '11' | version_number (5) | current_next_indicator 1
  s[5] = 0xc0 | ((version & 0x1f) << 1) | 0x01;
  s[6] = 0x00; // section_number
  s[7] = 0x00; // last_section_number
  return s;
}

function finishSection(s: Buffer): Buffer {
  // CRC_32 over the whole section up to the CRC field (Annex A): gives zero residue over the section
  s.writeUInt32BE(crc32Mpeg2(s, 0, s.length - 4), s.length - 4);
  return s;
}

/** program_association_section with one program (§2.4.4.3), without pointer_field. */
export function buildPatSection(opts: PatOptions): Buffer {
  const s = sectionShell(0x00, opts.transportStreamId ?? 1, opts.version ?? 0, 4);
  const program = opts.programNumber ?? 1;
  s[8] = program >> 8; // program_number (16)
  s[9] = program & 0xff;
  s[10] = 0xe0 | (opts.pmtPid >> 8); // reserved '111' | program_map_PID (13)
  s[11] = opts.pmtPid & 0xff;
  return finishSection(s);
}

/** TS_program_map_section (§2.4.4.8) without descriptors, without pointer_field. */
export function buildPmtSection(opts: PmtOptions): Buffer {
  const s = sectionShell(0x02, opts.programNumber ?? 1, opts.version ?? 0, 4 + 5 * opts.streams.length);
  s[8] = 0xe0 | (opts.pcrPid >> 8); // reserved '111' | PCR_PID (13)
  s[9] = opts.pcrPid & 0xff;
  s[10] = 0xf0; // reserved '1111' | program_info_length (12) = 0
  s[11] = 0x00;
  let pos = 12;
  for (const st of opts.streams) {
    s[pos] = st.streamType; // stream_type (8)
    s[pos + 1] = 0xe0 | (st.pid >> 8); // reserved '111' | elementary_PID (13)
    s[pos + 2] = st.pid & 0xff;
    s[pos + 3] = 0xf0; // reserved '1111' | ES_info_length (12) = 0
    s[pos + 4] = 0x00;
    pos += 5;
  }
  return finishSection(s);
}
