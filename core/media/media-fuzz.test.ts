import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flvBytes } from '../../test/helpers/flv-bytes.js';
import { SeededRandom } from '../../test/helpers/seeded-random.js';
import { hex } from '../../test/helpers/test-bytes.js';
import { parseAdtsConfig } from './aac/adts.js';
import { parseAudioSpecificConfig } from './aac/audio-specific-config.js';
import { decodeAmf0 } from './amf/amf0.js';
import { BitReader } from './bytes/bit-reader.js';
import { ParseError } from './errors.js';
import { flvTagBody, readFlv } from './flv/flv-reader.js';
import { parseFlvAudioBody, parseFlvVideoBody } from './flv/flv-tag-body.js';
import { FlvTagScanner } from './flv/flv-tag-scanner.js';
import { parseAvcConfig } from './h264/avc-config.js';
import { parseSps } from './h264/sps.js';
import { parseHevcConfig } from './h265/hevc-config.js';

/**
 * Seeded fuzzing of every parser of the media library: random bytes and mutations of valid inputs
 * (flips, insertions, deletions, truncation) give a value or a ParseError with a sane offset, never
 * another exception, a hang (every loop here is bounded in count) or a view outside the input.
 */

const ROUNDS = 1500;
const BASE = 1000;

/** Returns the value, or undefined after checking the error is a ParseError pointing into base..base+length. */
function valueOrParseError<T>(label: string, input: Uint8Array, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    assert.ok(err instanceof ParseError, `${label}: threw ${String(err)} for ${Buffer.from(input).toString('hex')}`);
    assert.equal(err.code, 'PARSE_ERROR');
    assert.ok(Number.isInteger(err.offset) && err.offset >= BASE && err.offset <= BASE + input.length, `${label}: offset ${err.offset} outside the input`);
    return undefined;
  }
}

function assertViewOf(view: Uint8Array, input: Uint8Array, label: string): void {
  assert.equal(view.buffer, input.buffer, `${label}: not a view of the input`);
  assert.ok(view.byteOffset >= input.byteOffset && view.byteOffset + view.byteLength <= input.byteOffset + input.byteLength, `${label}: view outside the input`);
}

const AVCC = hex('01 64 00 1f ff e1 0007 6764001facd940 01 0004 68ebe3cb');
const SPS_1080 = hex('67640028acd940780227e5c044000003000400000300f03c60c658');
const HVCC = hex('01 01600000009000000000005d f000fcfdf8f80000 0f 03 a0 0001 0006 40010c01ffff a1 0001 0012 420101016000000090000003000003005da0 a2 0001 0004 4401c172');
const ASC = [hex('1210'), hex('1190'), hex('2b118800'), hex('17800000 10')];

/** Seeds for each parser: valid inputs to mutate. */
function inputs(rng: SeededRandom, seeds: readonly Uint8Array[]): Uint8Array[] {
  return [rng.bytes(rng.int(64)), rng.mutate(rng.pick(seeds))];
}

describe('media library fuzzing (seeded)', () => {
  it('codec configs: AVC record, SPS, HEVC record, AudioSpecificConfig, ADTS config', () => {
    const rng = new SeededRandom(0x5eed);
    for (let i = 0; i < ROUNDS; i++) {
      for (const data of inputs(rng, [AVCC])) {
        const cfg = valueOrParseError(`avc #${i}`, data, () => parseAvcConfig(data, BASE));
        for (const nal of [...(cfg?.sps ?? []), ...(cfg?.pps ?? [])]) assertViewOf(nal, data, `avc #${i}`);
      }
      for (const data of inputs(rng, [SPS_1080, AVCC.subarray(8, 15)])) {
        const sps = valueOrParseError(`sps #${i}`, data, () => parseSps(data, BASE));
        if (sps) assert.ok(sps.width > 0 && sps.width <= 16384 && sps.height > 0 && sps.height <= 16384);
      }
      for (const data of inputs(rng, [HVCC])) {
        const cfg = valueOrParseError(`hevc #${i}`, data, () => parseHevcConfig(data, BASE));
        for (const nal of [...(cfg?.vps ?? []), ...(cfg?.sps ?? []), ...(cfg?.pps ?? []), ...(cfg?.other ?? [])]) assertViewOf(nal, data, `hevc #${i}`);
      }
      for (const data of inputs(rng, ASC)) {
        valueOrParseError(`asc #${i}`, data, () => parseAudioSpecificConfig(data, BASE));
        const adts = valueOrParseError(`adts #${i}`, data, () => parseAdtsConfig(data, BASE));
        if (adts) assert.ok(adts.coreObjectType >= 1 && adts.coreObjectType <= 4 && adts.channelConfiguration >= 1 && adts.channelConfiguration <= 7);
      }
    }
  });

  it('bit reader: random Exp-Golomb streams end in a value or a ParseError', () => {
    const rng = new SeededRandom(9);
    for (let i = 0; i < ROUNDS; i++) {
      const data = rng.bytes(rng.int(12));
      const r = new BitReader(data, BASE);
      for (let n = 0; n < 100 && r.bitsLeft > 0; n++) {
        if (valueOrParseError(`ue #${i}`, data, () => (rng.int(2) === 0 ? r.ue() : r.se())) === undefined) break;
      }
    }
  });

  it('flv tag bodies: a frame whose codec data lies inside the body, a skip, or a ParseError', () => {
    const rng = new SeededRandom(5);
    const seeds = [hex('17 00 000000').subarray(0), Buffer.concat([hex('1700000000'), AVCC]), hex('97 02 aabbcc 01 68766331 000005 00000001 26'), hex('af 00 1190'), hex('90 4f707573 4f')];
    for (let i = 0; i < ROUNDS; i++) {
      for (const data of inputs(rng, seeds)) {
        for (const parse of [parseFlvVideoBody, parseFlvAudioBody]) {
          // Body parsers report offsets within the body (from 0): shift them for the shared check.
          const r = valueOrParseError(`body #${i}`, data, () => {
            try {
              return parse(data, i);
            } catch (err) {
              throw err instanceof ParseError ? new ParseError('body', BASE + err.offset) : err;
            }
          });
          if (r && 'frame' in r) assert.ok(r.frame.payload === data && (r.frame.dataOffset ?? 0) <= data.length);
        }
      }
    }
  });

  it('flv files: whole-file reader and incremental scanner agree on the tags of mutated files', () => {
    const rng = new SeededRandom(77);
    const file = flvBytes([
      { type: 18, timestamp: 0, body: hex('02000a6f6e4d6574614461746105') },
      { type: 9, timestamp: 0, body: Buffer.concat([hex('1700000000'), AVCC]) },
      { type: 8, timestamp: 0, body: hex('af001190') },
      { type: 9, timestamp: 33, body: hex('2701000010cc') },
      { type: 9, timestamp: 0x01000005, body: hex('a368766331 00000001 02') },
    ]);
    for (let i = 0; i < ROUNDS / 3; i++) {
      const data = i % 10 === 0 ? rng.bytes(rng.int(80)) : rng.mutate(file);
      const read = valueOrParseError(`readFlv #${i}`, data, () => {
        try {
          return readFlv(data, { partial: rng.int(2) === 0, maxTags: 50 });
        } catch (err) {
          throw err instanceof ParseError ? new ParseError('file', BASE + err.offset) : err;
        }
      });
      for (const tag of read?.tags ?? []) {
        assertViewOf(tag.body, data, `tag #${i}`);
        valueOrParseError(`tag body #${i}`, data, () => {
          try {
            return flvTagBody(tag);
          } catch (err) {
            throw err instanceof ParseError ? new ParseError('tag', BASE + err.offset) : err;
          }
        });
      }
      const seen: number[] = [];
      const scanner = new FlvTagScanner((t) => seen.push(t.type), 1 << 16);
      let scanError: unknown;
      try {
        for (const piece of rng.split(Buffer.from(data), 1 + rng.int(20))) scanner.push(piece);
      } catch (err) {
        scanError = err;
      }
      if (scanError !== undefined) assert.ok(scanError instanceof ParseError, `scanner #${i}: ${String(scanError)}`);
      if (read && read.trailing === 0 && scanError === undefined) assert.deepEqual(seen, read.tags.map((t) => t.type), `scanner and reader #${i}`);
    }
  });

  it('amf0: random and mutated payloads decode or throw ParseError within the value limits', () => {
    const rng = new SeededRandom(3);
    const seed = hex('02 0007 636f6e6e656374 00 3ff0000000000000 03 0003 617070 02 0004 6c697665 000009');
    for (let i = 0; i < ROUNDS; i++) {
      for (const data of inputs(rng, [seed])) {
        valueOrParseError(`amf0 #${i}`, data, () => decodeAmf0(data, { base: BASE, limits: { maxDepth: 8, maxValues: 256 } }));
      }
    }
  });
});
