import { ParseError, ProtocolError } from 'xlive/sdk';
import { BitReader } from './bit-reader.js';

/** sampling_frequency_index → Hz (ISO/IEC 14496-3 §1.6.3.4, Table 1.18). */
export const AAC_SAMPLE_RATES: readonly number[] = [
  96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
];

/** What an ADTS header needs from an AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1). */
export interface AacConfig {
  /** audioObjectType as signalled (5 = SBR / HE-AAC, 29 = PS / HE-AACv2, 2 = LC, …). */
  objectType: number;
  /** Object type of the core coder that ADTS carries (the one after SBR/PS signalling). */
  coreObjectType: number;
  samplingFrequencyIndex: number;
  sampleRate: number;
  channelConfiguration: number;
}

/** ADTS header without CRC (protection_absent = 1) is 7 bytes (§1.A.2.2.1). */
export const ADTS_HEADER_BYTES = 7;
/** aac_frame_length is 13 bits and counts the header. */
export const ADTS_MAX_FRAME_BYTES = 8191;

function readObjectType(r: BitReader): number {
  // audioObjectType (5); 31 = escape: 32 + audioObjectTypeExt (6) (§1.6.2.1, GetAudioObjectType())
  const t = r.read(5);
  return t === 31 ? 32 + r.read(6) : t;
}

function readSamplingIndex(r: BitReader): number {
  const at = r.byteOffset();
  const idx = r.read(4);
  if (idx === 15) throw new ParseError('explicit samplingFrequency (index 15) cannot be carried in ADTS', at);
  if (idx >= AAC_SAMPLE_RATES.length) throw new ParseError(`reserved samplingFrequencyIndex ${idx}`, at);
  return idx;
}

/** Parses the leading fields of an AudioSpecificConfig; throws ParseError when ADTS cannot carry it. */
export function parseAudioSpecificConfig(data: Uint8Array, baseOffset = 0): AacConfig {
  const r = new BitReader(data, 'AudioSpecificConfig', baseOffset);
  const objectType = readObjectType(r);
  if (objectType === 0) throw new ParseError('audioObjectType 0 (null object)', baseOffset);
  const samplingFrequencyIndex = readSamplingIndex(r);
  const channelConfiguration = r.read(4);
  let coreObjectType = objectType;
  if (objectType === 5 || objectType === 29) {
    // Explicit SBR/PS: extensionSamplingFrequencyIndex (4), then the core audioObjectType. ADTS
    // carries the core coder at the core rate; the decoder finds SBR/PS implicitly.
    readSamplingIndex(r);
    coreObjectType = readObjectType(r);
  }
  // ADTS profile_ObjectType is 2 bits = audioObjectType - 1 (§1.A.2.2.1, Table 1.A.6): AOT 1..4.
  if (coreObjectType < 1 || coreObjectType > 4) {
    throw new ParseError(`audioObjectType ${coreObjectType} cannot be carried in ADTS (only 1..4)`, baseOffset);
  }
  if (channelConfiguration === 0 || channelConfiguration > 7) {
    // 0 means "program_config_element in the stream", which a remuxer would have to synthesise.
    throw new ParseError(`channelConfiguration ${channelConfiguration} is not supported in ADTS`, baseOffset + 1);
  }
  return {
    objectType,
    coreObjectType,
    samplingFrequencyIndex,
    sampleRate: AAC_SAMPLE_RATES[samplingFrequencyIndex]!,
    channelConfiguration,
  };
}

/** Writes a 7-byte ADTS header (no CRC) for one raw AAC frame of `rawLength` bytes into `out` at `pos`. */
export function writeAdtsHeader(out: Uint8Array, pos: number, cfg: AacConfig, rawLength: number): void {
  const frameLength = rawLength + ADTS_HEADER_BYTES;
  if (rawLength < 0 || frameLength > ADTS_MAX_FRAME_BYTES) {
    throw new ProtocolError(`AAC frame of ${rawLength} bytes does not fit an ADTS frame (max ${ADTS_MAX_FRAME_BYTES})`);
  }
  const profile = cfg.coreObjectType - 1;
  const sfi = cfg.samplingFrequencyIndex;
  const ch = cfg.channelConfiguration;
  // syncword 0xFFF (12)
  out[pos] = 0xff;
  // syncword cont. (4) | ID 0 = MPEG-4 (1) | layer 00 (2) | protection_absent 1 (1)
  out[pos + 1] = 0xf1;
  // profile_ObjectType (2) | sampling_frequency_index (4) | private_bit 0 (1) | channel_configuration bit 2 (1)
  out[pos + 2] = (profile << 6) | (sfi << 2) | (ch >> 2);
  // channel_configuration bits 1..0 (2) | original_copy 0 | home 0 | copyright_id_bit 0 |
  // copyright_id_start 0 | aac_frame_length bits 12..11 (2)
  out[pos + 3] = ((ch & 0x03) << 6) | (frameLength >> 11);
  // aac_frame_length bits 10..3
  out[pos + 4] = (frameLength >> 3) & 0xff;
  // aac_frame_length bits 2..0 (3) | adts_buffer_fullness 0x7FF = VBR, bits 10..6 (5)
  out[pos + 5] = ((frameLength & 0x07) << 5) | 0x1f;
  // adts_buffer_fullness bits 5..0 (6) | number_of_raw_data_blocks_in_frame 0 = one block (2)
  out[pos + 6] = 0xfc;
}

/** A 7-byte ADTS header (no CRC) for one raw AAC frame of `rawLength` bytes. */
export function buildAdtsHeader(cfg: AacConfig, rawLength: number): Buffer {
  const out = Buffer.allocUnsafe(ADTS_HEADER_BYTES);
  writeAdtsHeader(out, 0, cfg, rawLength);
  return out;
}
