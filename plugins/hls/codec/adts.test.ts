import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParseError, ProtocolError } from 'xlive/sdk';
import { buildAdtsHeader, parseAudioSpecificConfig } from './adts.js';
import { ASC_LC_44100_STEREO, ASC_LC_48000_STEREO } from '../testing/synthetic-frames.js';
import { hasTool, runTool } from '../testing/run-tool.js';

test('AudioSpecificConfig 0x1210 is AAC-LC 44.1 kHz stereo', () => {
  assert.deepEqual(parseAudioSpecificConfig(ASC_LC_44100_STEREO), {
    objectType: 2,
    coreObjectType: 2,
    samplingFrequencyIndex: 4,
    sampleRate: 44100,
    channelConfiguration: 2,
  });
});

test('ADTS header for AAC-LC 44.1 kHz stereo, 100-byte frame', () => {
  // FFF | ID 0 layer 00 prot_absent 1 | profile 1, sfi 4, ch 2 | length 107 | fullness 0x7FF | 1 block
  const h = buildAdtsHeader(parseAudioSpecificConfig(ASC_LC_44100_STEREO), 100);
  assert.equal(h.toString('hex'), 'fff150800d7ffc');
});

test('ADTS header for AAC-LC 48 kHz stereo, 100-byte frame', () => {
  const h = buildAdtsHeader(parseAudioSpecificConfig(ASC_LC_48000_STEREO), 100);
  assert.equal(h.toString('hex'), 'fff14c800d7ffc');
});

test('ADTS header carries the largest frame length (8191) and rejects larger', () => {
  const cfg = parseAudioSpecificConfig(ASC_LC_48000_STEREO);
  // aac_frame_length 0x1FFF spread over bytes 3..5
  assert.equal(buildAdtsHeader(cfg, 8184).toString('hex'), 'fff14c83fffffc');
  assert.throws(() => buildAdtsHeader(cfg, 8185), ProtocolError);
});

test('explicit HE-AAC (AOT 5) is carried as its AAC-LC core at the core rate', () => {
  // AOT 5 | sfi 6 (24 kHz) | ch 2 | ext sfi 3 (48 kHz) | AOT 2
  const cfg = parseAudioSpecificConfig(Uint8Array.of(0x2b, 0x11, 0x88, 0x00));
  assert.equal(cfg.objectType, 5);
  assert.equal(cfg.coreObjectType, 2);
  assert.equal(cfg.sampleRate, 24000);
  assert.equal(buildAdtsHeader(cfg, 0).subarray(0, 3).toString('hex'), 'fff158');
});

test('configs ADTS cannot carry are ParseErrors with an offset', () => {
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
    assert.throws(() => parseAudioSpecificConfig(asc), (e: unknown) => e instanceof ParseError && e.code === 'PARSE_ERROR', name);
  }
});

test('our ADTS header equals the one ffmpeg’s adts muxer writes', { skip: !(await hasTool('ffmpeg')) && 'ffmpeg missing' }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'xlive-adts-'));
  try {
    for (const [rate, asc] of [[44100, ASC_LC_44100_STEREO], [48000, ASC_LC_48000_STEREO]] as const) {
      const out = join(dir, `a${rate}.aac`);
      const r = await runTool('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=${rate}`, '-ac', '2', '-t', '0.2', '-c:a', 'aac', '-f', 'adts', '-y', out]);
      assert.equal(r.code, 0, r.stderr);
      const adts = await readFile(out);
      const frameLength = ((adts[3]! & 0x03) << 11) | (adts[4]! << 3) | (adts[5]! >> 5);
      assert.deepEqual(buildAdtsHeader(parseAudioSpecificConfig(asc), frameLength - 7), adts.subarray(0, 7), `${rate} Hz`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
