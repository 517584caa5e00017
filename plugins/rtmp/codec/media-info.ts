import { aacChannelCount, avcProfileName, parseAudioSpecificConfig, parseAvcConfig, parseSps } from 'xlive/media';
import type { AudioInfo, FrameInit, VideoInfo } from 'xlive/sdk';

/** FLV SoundRate (2 bits) → Hz for legacy formats without a config (FLV 10.1 E.4.2.1). */
const FLV_RATES = [5512, 11025, 22050, 44100];

/**
 * What a frame tells about the stream's media: a sequence header's config (AVC record, AAC
 * AudioSpecificConfig) or a legacy audio header (MP3 and others). Throws ParseError on a broken
 * config; returns undefined when the frame says nothing new.
 */
export function mediaInfoOf(frame: FrameInit): { video?: VideoInfo; audio?: AudioInfo } | undefined {
  const data = frame.payload.subarray(frame.dataOffset ?? 0);
  if (frame.track === 'video') {
    if (!frame.sequenceHeader) return undefined;
    if (frame.codec === 'h264') return { video: avcVideoInfo(data) };
    return { video: { codec: frame.codec as VideoInfo['codec'] } };
  }
  if (frame.track !== 'audio') return undefined;
  if (frame.codec === 'aac') {
    if (!frame.sequenceHeader) return undefined;
    const asc = parseAudioSpecificConfig(data);
    // HE-AAC signalled explicitly plays at its extension (output) rate.
    const sampleRate = asc.extensionSampleRate ?? asc.sampleRate;
    const channels = aacChannelCount(asc.channelConfiguration);
    return { audio: channels === undefined ? { codec: 'aac', sampleRate } : { codec: 'aac', sampleRate, channels } };
  }
  if (frame.sequenceHeader) return { audio: { codec: frame.codec as AudioInfo['codec'] } };
  const b0 = frame.payload[0]!;
  if (b0 >> 4 === 9) return undefined; // E-RTMP audio without a sequence start: nothing to read
  // Legacy AUDIODATA header: SoundFormat(4) SoundRate(2) SoundSize(1) SoundType(1).
  return { audio: { codec: frame.codec as AudioInfo['codec'], sampleRate: FLV_RATES[(b0 >> 2) & 3], channels: (b0 & 1) + 1 } };
}

/** The first SPS's size and profile from an AVCDecoderConfigurationRecord (only the profile without one). */
function avcVideoInfo(record: Uint8Array): VideoInfo {
  const cfg = parseAvcConfig(record);
  const sps = cfg.sps[0];
  if (sps === undefined) return { codec: 'h264', profile: avcProfileName(cfg.profileIdc) };
  const info = parseSps(sps);
  return { codec: 'h264', width: info.width, height: info.height, profile: avcProfileName(info.profileIdc, info.constraints) };
}
