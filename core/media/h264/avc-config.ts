import { ByteCursor } from '../bytes/byte-cursor.js';

/** The parts of an AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.3.3.1) a remuxer needs. */
export interface AvcConfig {
  profileIdc: number;
  profileCompatibility: number;
  levelIdc: number;
  /** Bytes of the length prefix before each NALU in samples: 1, 2 or 4. */
  nalLengthSize: 1 | 2 | 4;
  /** SPS NAL units (type 7), views into the input. */
  sps: Uint8Array[];
  /** PPS NAL units (type 8), views into the input. */
  pps: Uint8Array[];
}

/**
 * Parses an AVCDecoderConfigurationRecord: version u8, profile u8, compatibility u8, level u8,
 * 6 reserved bits + lengthSizeMinusOne(2), 3 reserved bits + numOfSPS(5), each SPS as u16 length +
 * NAL unit, numOfPPS u8, each PPS likewise. Throws ParseError (offset `base` + position) on
 * malformed input; parameter sets are views into `data`.
 */
export function parseAvcConfig(data: Uint8Array, base = 0): AvcConfig {
  const c = new ByteCursor(data, base, 'AVCDecoderConfigurationRecord');
  const version = c.u8('configurationVersion');
  if (version !== 1) c.fail(`configurationVersion ${version}, expected 1`, 0);
  const profileIdc = c.u8('AVCProfileIndication');
  const profileCompatibility = c.u8('profile_compatibility');
  const levelIdc = c.u8('AVCLevelIndication');
  // reserved '111111'b (6) + lengthSizeMinusOne (2)
  const lengthSize = (c.u8('lengthSizeMinusOne') & 0x03) + 1;
  if (lengthSize === 3) c.fail('lengthSizeMinusOne 2 (3-byte NALU lengths) is not allowed', c.pos - 1);
  // reserved '111'b (3) + numOfSequenceParameterSets (5)
  const numSps = c.u8('numOfSequenceParameterSets') & 0x1f;
  const sps: Uint8Array[] = [];
  for (let i = 0; i < numSps; i++) sps.push(readNalu(c, `sequenceParameterSet[${i}]`));
  const numPps = c.u8('numOfPictureParameterSets');
  const pps: Uint8Array[] = [];
  for (let i = 0; i < numPps; i++) pps.push(readNalu(c, `pictureParameterSet[${i}]`));
  // High-profile chroma/bit-depth extension bytes may follow; a remuxer does not need them.
  return { profileIdc, profileCompatibility, levelIdc, nalLengthSize: lengthSize as 1 | 2 | 4, sps, pps };
}

function readNalu(c: ByteCursor, field: string): Uint8Array {
  const len = c.u16(`${field} length`);
  if (len === 0) c.fail(`${field} is empty`, c.pos - 2);
  return c.bytes(len, field);
}

/** RFC 6381 codec string (`avc1.PPCCLL`) for a parsed record, e.g. for a master playlist. */
export function avcCodecString(cfg: AvcConfig): string {
  const hex = (n: number): string => n.toString(16).padStart(2, '0');
  return `avc1.${hex(cfg.profileIdc)}${hex(cfg.profileCompatibility)}${hex(cfg.levelIdc)}`;
}
