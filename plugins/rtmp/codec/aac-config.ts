import { ParseError, type AudioInfo } from 'xlive/sdk';
import { BitReader } from './bit-reader.js';

/** samplingFrequencyIndex → Hz (ISO/IEC 14496-3 1.6.3.4, Table 1.18). */
const SAMPLE_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];
/** Audio object types 5 (SBR) and 29 (PS) signal HE-AAC: the output rate is the extension rate. */
const AOT_SBR = 5;
const AOT_PS = 29;

function objectType(r: BitReader): number {
  const aot = r.u(5, 'audioObjectType');
  return aot === 31 ? 32 + r.u(6, 'audioObjectTypeExt') : aot; // escape value 31 (1.6.2.1)
}

function frequency(r: BitReader): number {
  const index = r.u(4, 'samplingFrequencyIndex');
  if (index === 15) return r.u(24, 'samplingFrequency'); // explicit 24-bit rate
  const rate = SAMPLE_RATES[index];
  if (rate === undefined) throw new ParseError(`reserved samplingFrequencyIndex ${index}`, 0);
  return rate;
}

export interface AacConfig extends AudioInfo {
  codec: 'aac';
  objectType: number;
}

/**
 * AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1): audioObjectType(5), samplingFrequencyIndex(4),
 * channelConfiguration(4), and for explicit SBR/PS the extension sampling frequency.
 */
export function parseAudioSpecificConfig(asc: Uint8Array): AacConfig {
  const r = new BitReader(asc);
  const aot = objectType(r);
  let sampleRate = frequency(r);
  const channelConfig = r.u(4, 'channelConfiguration');
  if (aot === AOT_SBR || aot === AOT_PS) sampleRate = frequency(r);
  // channelConfiguration 7 is 7.1 (8 channels); 0 means a program config element defines them.
  const channels = channelConfig === 7 ? 8 : channelConfig;
  const info: AacConfig = { codec: 'aac', objectType: aot, sampleRate };
  if (channels > 0 && channels <= 8) info.channels = channels;
  return info;
}
