import { BitReader } from '../bytes/bit-reader.js';
import { ParseError } from '../errors.js';

/** samplingFrequencyIndex → Hz (ISO/IEC 14496-3 §1.6.3.4, Table 1.18); 13 and 14 are reserved. */
export const AAC_SAMPLE_RATES: readonly number[] = [
  96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
];
/** samplingFrequencyIndex 15: an explicit 24-bit samplingFrequency follows. */
const EXPLICIT_FREQUENCY = 15;
/** Audio object types 5 (SBR) and 29 (PS) signal HE-AAC explicitly (§1.6.2.1). */
const AOT_SBR = 5;
const AOT_PS = 29;

/** The leading fields of an AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1). */
export interface AudioSpecificConfig {
  /** audioObjectType as signalled (2 = LC, 5 = SBR / HE-AAC, 29 = PS / HE-AACv2, …). */
  objectType: number;
  /** Object type of the core coder (the one after explicit SBR/PS signalling, else objectType). */
  coreObjectType: number;
  /** 0..12, or 15 when the rate is explicit. */
  samplingFrequencyIndex: number;
  /** The core coder's sampling rate in Hz. */
  sampleRate: number;
  /** With explicit SBR/PS: the output (extension) sampling rate in Hz. */
  extensionSampleRate?: number;
  /** 0 = defined by a program_config_element, 1..6 = that many channels, 7 = 7.1 (8 channels). */
  channelConfiguration: number;
}

/** GetAudioObjectType(): audioObjectType (5); 31 = escape: 32 + audioObjectTypeExt (6). */
function readObjectType(r: BitReader): number {
  const t = r.u(5, 'audioObjectType');
  return t === 31 ? 32 + r.u(6, 'audioObjectTypeExt') : t;
}

/** samplingFrequencyIndex (4), and the explicit 24-bit samplingFrequency after index 15. */
function readFrequency(r: BitReader, field: string): { index: number; rate: number } {
  const at = r.byteOffset();
  const index = r.u(4, field);
  if (index === EXPLICIT_FREQUENCY) return { index, rate: r.u(24, 'samplingFrequency') };
  const rate = AAC_SAMPLE_RATES[index];
  if (rate === undefined) throw new ParseError(`reserved ${field} ${index}`, at);
  return { index, rate };
}

/**
 * Parses an AudioSpecificConfig: audioObjectType, samplingFrequencyIndex (and explicit rate),
 * channelConfiguration, and for explicit SBR/PS the extension rate and the core object type.
 * Throws ParseError (offset `base` + position) when it is truncated or uses a reserved rate index.
 */
export function parseAudioSpecificConfig(data: Uint8Array, base = 0): AudioSpecificConfig {
  const r = new BitReader(data, base);
  const objectType = readObjectType(r);
  const { index, rate } = readFrequency(r, 'samplingFrequencyIndex');
  const channelConfiguration = r.u(4, 'channelConfiguration');
  const asc: AudioSpecificConfig = { objectType, coreObjectType: objectType, samplingFrequencyIndex: index, sampleRate: rate, channelConfiguration };
  if (objectType === AOT_SBR || objectType === AOT_PS) {
    asc.extensionSampleRate = readFrequency(r, 'extensionSamplingFrequencyIndex').rate;
    asc.coreObjectType = readObjectType(r);
  }
  return asc;
}

/** The number of channels a channelConfiguration means (7 is 7.1); undefined for 0 (a PCE decides). */
export function aacChannelCount(channelConfiguration: number): number | undefined {
  if (channelConfiguration === 7) return 8;
  return channelConfiguration >= 1 && channelConfiguration <= 6 ? channelConfiguration : undefined;
}
