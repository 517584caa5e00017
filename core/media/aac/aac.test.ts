import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { bits, hex } from '../../../test/helpers/test-bytes.js';
import { ParseError, ProtocolError } from '../errors.js';
import { buildAdtsHeader, parseAdtsConfig } from './adts.js';
import { aacChannelCount, parseAudioSpecificConfig } from './audio-specific-config.js';

const run = promisify(execFile);
const ASC_LC_44100_STEREO = Uint8Array.of(0x12, 0x10);
const ASC_LC_48000_STEREO = Uint8Array.of(0x11, 0x90);

async function hasFfmpeg(): Promise<boolean> {
  try {
    await run('ffmpeg', ['-version'], { timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

describe('AAC AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1)', () => {
  it('reads AAC-LC rate and channels', () => {
    assert.deepEqual(parseAudioSpecificConfig(hex('1190')), { objectType: 2, coreObjectType: 2, samplingFrequencyIndex: 3, sampleRate: 48000, channelConfiguration: 2 });
    const mono = parseAudioSpecificConfig(hex('1208'));
    assert.deepEqual([mono.sampleRate, aacChannelCount(mono.channelConfiguration)], [44100, 1]);
    assert.deepEqual(parseAudioSpecificConfig(ASC_LC_44100_STEREO), { objectType: 2, coreObjectType: 2, samplingFrequencyIndex: 4, sampleRate: 44100, channelConfiguration: 2 });
  });

  it('reads explicit HE-AAC: core rate, extension (output) rate and the core object type', () => {
    // AOT 5, 24000 Hz core (index 6), stereo, extension index 3 (48000), then AOT 2.
    const asc = parseAudioSpecificConfig(bits('00101 0110 0010 0011 00010'));
    assert.deepEqual(asc, { objectType: 5, coreObjectType: 2, samplingFrequencyIndex: 6, sampleRate: 24000, extensionSampleRate: 48000, channelConfiguration: 2 });
  });

  it('reads an explicit 24-bit rate and the escaped object type', () => {
    const asc = parseAudioSpecificConfig(bits('00010 1111 000000001010110001000100 0001'));
    assert.deepEqual([asc.objectType, asc.samplingFrequencyIndex, asc.sampleRate, asc.channelConfiguration], [2, 15, 44100, 1]);
    assert.equal(parseAudioSpecificConfig(bits('11111 000010 0011 0010')).objectType, 34);
  });

  it('maps channel configurations to channel counts (7 is 7.1; 0 is a PCE)', () => {
    assert.deepEqual([0, 1, 2, 6, 7, 8].map(aacChannelCount), [undefined, 1, 2, 6, 8, undefined]);
  });

  it('refuses reserved rates and truncated configs with ParseError', () => {
    assert.throws(() => parseAudioSpecificConfig(bits('00010 1101 0010')), /reserved samplingFrequencyIndex 13/);
    assert.throws(() => parseAudioSpecificConfig(hex('12')), ParseError);
  });
});

describe('ADTS (ISO/IEC 14496-3 1.A.2.2.1)', () => {
  it('header for AAC-LC 44.1 kHz stereo, 100-byte frame', () => {
    // FFF | ID 0 layer 00 prot_absent 1 | profile 1, sfi 4, ch 2 | length 107 | fullness 0x7FF | 1 block
    assert.equal(buildAdtsHeader(parseAdtsConfig(ASC_LC_44100_STEREO), 100).toString('hex'), 'fff150800d7ffc');
  });

  it('header for AAC-LC 48 kHz stereo, 100-byte frame', () => {
    assert.equal(buildAdtsHeader(parseAdtsConfig(ASC_LC_48000_STEREO), 100).toString('hex'), 'fff14c800d7ffc');
  });

  it('carries the largest frame length (8191) and rejects larger', () => {
    const cfg = parseAdtsConfig(ASC_LC_48000_STEREO);
    // aac_frame_length 0x1FFF spread over bytes 3..5
    assert.equal(buildAdtsHeader(cfg, 8184).toString('hex'), 'fff14c83fffffc');
    assert.throws(() => buildAdtsHeader(cfg, 8185), ProtocolError);
  });

  it('explicit HE-AAC (AOT 5) is carried as its AAC-LC core at the core rate', () => {
    // AOT 5 | sfi 6 (24 kHz) | ch 2 | ext sfi 3 (48 kHz) | AOT 2
    const cfg = parseAdtsConfig(Uint8Array.of(0x2b, 0x11, 0x88, 0x00));
    assert.equal(cfg.objectType, 5);
    assert.equal(cfg.coreObjectType, 2);
    assert.equal(cfg.sampleRate, 24000);
    assert.equal(buildAdtsHeader(cfg, 0).subarray(0, 3).toString('hex'), 'fff158');
  });

  it('configs ADTS cannot carry are ParseErrors with an offset', () => {
    const bad: [string, Uint8Array][] = [
      ['empty', new Uint8Array(0)],
      ['one byte', Uint8Array.of(0x12)],
      ['AOT 0', Uint8Array.of(0x00, 0x10)],
      ['explicit frequency', Uint8Array.of(0x17, 0x80, 0x00, 0x00, 0x10)],
      ['reserved frequency index 13', Uint8Array.of(0x16, 0x90)],
      ['channel configuration 0 (PCE)', Uint8Array.of(0x12, 0x00)],
      ['AOT 7 (TwinVQ)', Uint8Array.of(0x3a, 0x10)],
      ['escaped AOT 34', Uint8Array.of(0xf8, 0x51, 0x00)],
    ];
    for (const [name, asc] of bad) {
      assert.throws(() => parseAdtsConfig(asc, 7), (e: unknown) => e instanceof ParseError && e.code === 'PARSE_ERROR' && e.offset >= 7, name);
    }
  });

  it('our ADTS header equals the one ffmpeg’s adts muxer writes', async (t) => {
    if (!(await hasFfmpeg())) return t.skip('ffmpeg missing');
    const dir = await mkdtemp(join(tmpdir(), 'xlive-adts-'));
    try {
      for (const [rate, asc] of [[44100, ASC_LC_44100_STEREO], [48000, ASC_LC_48000_STEREO]] as const) {
        const out = join(dir, `a${rate}.aac`);
        await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=${rate}`, '-ac', '2', '-t', '0.2', '-c:a', 'aac', '-f', 'adts', '-y', out], { timeout: 30_000 });
        const adts = await readFile(out);
        const frameLength = ((adts[3]! & 0x03) << 11) | (adts[4]! << 3) | (adts[5]! >> 5);
        assert.deepEqual(buildAdtsHeader(parseAdtsConfig(asc), frameLength - 7), adts.subarray(0, 7), `${rate} Hz`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
