import { ParseError, ProtocolError } from '../errors.js';
import { parseAudioSpecificConfig, type AudioSpecificConfig } from './audio-specific-config.js';

/** ADTS header without CRC (protection_absent = 1) is 7 bytes (ISO/IEC 14496-3 §1.A.2.2.1). */
export const ADTS_HEADER_BYTES = 7;
/** aac_frame_length is 13 bits and counts the header. */
export const ADTS_MAX_FRAME_BYTES = 8191;

/** An AudioSpecificConfig that an ADTS header can describe (see `parseAdtsConfig`). */
export interface AdtsConfig {
  objectType: number;
  /** 1..4: ADTS profile_ObjectType is coreObjectType - 1. */
  coreObjectType: number;
  /** 0..12. */
  samplingFrequencyIndex: number;
  sampleRate: number;
  /** 1..7. */
  channelConfiguration: number;
}

/**
 * Parses an AudioSpecificConfig and checks that ADTS can carry it: ADTS carries the core coder at
 * the core rate (the decoder finds SBR/PS implicitly), as a 2-bit profile (AOT 1..4), a rate index
 * (no explicit rate) and a channel configuration 1..7 (0 would need a synthesised PCE). Throws
 * ParseError naming the field's offset otherwise.
 */
export function parseAdtsConfig(data: Uint8Array, base = 0): AdtsConfig {
  const asc: AudioSpecificConfig = parseAudioSpecificConfig(data, base);
  const { objectType, coreObjectType, samplingFrequencyIndex, sampleRate, channelConfiguration } = asc;
  if (objectType === 0) throw new ParseError('audioObjectType 0 (null object)', base);
  if (samplingFrequencyIndex === 15) throw new ParseError('explicit samplingFrequency (index 15) cannot be carried in ADTS', base);
  if (coreObjectType < 1 || coreObjectType > 4) {
    throw new ParseError(`audioObjectType ${coreObjectType} cannot be carried in ADTS (only 1..4)`, base);
  }
  if (channelConfiguration === 0 || channelConfiguration > 7) {
    throw new ParseError(`channelConfiguration ${channelConfiguration} is not supported in ADTS`, base + 1);
  }
  return { objectType, coreObjectType, samplingFrequencyIndex, sampleRate, channelConfiguration };
}

/** Writes a 7-byte ADTS header (no CRC) for one raw AAC frame of `rawLength` bytes into `out` at `pos`. */
export function writeAdtsHeader(out: Uint8Array, pos: number, cfg: AdtsConfig, rawLength: number): void {
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
export function buildAdtsHeader(cfg: AdtsConfig, rawLength: number): Buffer {
  const out = Buffer.allocUnsafe(ADTS_HEADER_BYTES);
  writeAdtsHeader(out, 0, cfg, rawLength);
  return out;
}
