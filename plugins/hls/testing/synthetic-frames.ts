import { TestFrame } from './test-frame.js';

/**
 * Hand-built FLV payloads (FLV 10.1 Annex E) for unit tests: legacy AVC video and AAC audio.
 * NAL unit bodies are arbitrary bytes with the right header; they are not decodable pictures.
 */

/** A tiny SPS/PPS pair (NAL types 7 and 8) with plausible High-profile bytes. */
export const TEST_SPS = Uint8Array.of(0x67, 0x64, 0x00, 0x1f, 0xac, 0xd9, 0x40);
export const TEST_PPS = Uint8Array.of(0x68, 0xeb, 0xe3, 0xcb);

/** AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.3.3.1) with one SPS and one PPS, 4-byte lengths. */
export function avcConfigRecord(sps: Uint8Array = TEST_SPS, pps: Uint8Array = TEST_PPS): Buffer {
  return Buffer.concat([
    // configurationVersion 1, profile, compatibility, level from the SPS; '111111' + lengthSizeMinusOne 3
    Buffer.of(0x01, sps[1]!, sps[2]!, sps[3]!, 0xff),
    // '111' + numOfSequenceParameterSets 1, length, SPS
    Buffer.of(0xe1, sps.length >> 8, sps.length & 0xff),
    sps,
    // numOfPictureParameterSets 1, length, PPS
    Buffer.of(0x01, pps.length >> 8, pps.length & 0xff),
    pps,
  ]);
}

export function lengthPrefixed(nalus: readonly Uint8Array[], size = 4): Buffer {
  const out = Buffer.alloc(nalus.reduce((n, x) => n + size + x.length, 0));
  let p = 0;
  for (const n of nalus) {
    out.writeUIntBE(n.length, p, size);
    out.set(n, p + size);
    p += size + n.length;
  }
  return out;
}

/** Legacy AVC video tag body: FrameType | CodecID 7, AVCPacketType, SI24 CompositionTime, data. */
function avcBody(key: boolean, packetType: number, cts: number, data: Uint8Array): Buffer {
  const c = cts < 0 ? cts + 0x1000000 : cts;
  return Buffer.concat([Buffer.of(((key ? 1 : 2) << 4) | 7, packetType, (c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff), data]);
}

export function avcSequenceHeaderFrame(dts = 0, record: Uint8Array = avcConfigRecord()): TestFrame {
  return new TestFrame({ track: 'video', codec: 'h264', dts, keyframe: true, sequenceHeader: true, payload: avcBody(true, 0, 0, record), dataOffset: 5 });
}

/** One access unit: an IDR slice (type 5) for keyframes, else a non-IDR slice (type 1), `size` bytes long. */
export function avcFrame(dts: number, key: boolean, opts: { cts?: number; size?: number; nalus?: Uint8Array[] } = {}): TestFrame {
  const size = Math.max(2, opts.size ?? 64);
  const slice = new Uint8Array(size).fill(0xab);
  slice[0] = key ? 0x65 : 0x41;
  const nalus = opts.nalus ?? [slice];
  const payload = avcBody(key, 1, opts.cts ?? 0, lengthPrefixed(nalus));
  return new TestFrame({ track: 'video', codec: 'h264', dts, cts: opts.cts ?? 0, keyframe: key, payload, dataOffset: 5 });
}

/** AudioSpecificConfig AAC-LC 44.1 kHz stereo: AOT 2, index 4, channels 2 (ISO/IEC 14496-3 §1.6.2.1). */
export const ASC_LC_44100_STEREO = Uint8Array.of(0x12, 0x10);
/** AudioSpecificConfig AAC-LC 48 kHz stereo: AOT 2, index 3, channels 2. */
export const ASC_LC_48000_STEREO = Uint8Array.of(0x11, 0x90);

/** AAC audio tag body: SoundFormat 10 | 44 kHz | 16-bit | stereo (0xAF), AACPacketType, data. */
export function aacSequenceHeaderFrame(dts = 0, asc: Uint8Array = ASC_LC_44100_STEREO): TestFrame {
  return new TestFrame({ track: 'audio', codec: 'aac', dts, keyframe: true, sequenceHeader: true, payload: Buffer.concat([Buffer.of(0xaf, 0x00), asc]), dataOffset: 2 });
}

export function aacFrame(dts: number, size = 32): TestFrame {
  const raw = new Uint8Array(size).fill(0x21);
  return new TestFrame({ track: 'audio', codec: 'aac', dts, keyframe: true, payload: Buffer.concat([Buffer.of(0xaf, 0x01), raw]), dataOffset: 2 });
}

/** An interleaved A/V stream: sequence headers, then `seconds` of 30 fps video (GOP `gop`) and ~43 fps AAC. */
export function avStream(seconds: number, gop = 30, startDts = 0): TestFrame[] {
  const frames: TestFrame[] = [avcSequenceHeaderFrame(startDts), aacSequenceHeaderFrame(startDts)];
  const end = startDts + seconds * 1000;
  let v = 0;
  let a = 0;
  for (;;) {
    const vd = startDts + Math.round((v * 1000) / 30);
    const ad = startDts + Math.round((a * 1024 * 1000) / 44100);
    if (vd >= end && ad >= end) break;
    if (vd <= ad && vd < end) {
      frames.push(avcFrame(vd, v % gop === 0));
      v++;
    } else {
      frames.push(aacFrame(ad));
      a++;
    }
  }
  return frames;
}
