import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TsPacketizer, TS_PACKET_BYTES } from './ts-packetizer.js';
import { buildPatSection } from './ts-psi.js';

const PID = 0x100;

function payloadOf(packets: Buffer): Buffer {
  const out: Buffer[] = [];
  for (let p = 0; p < packets.length; p += TS_PACKET_BYTES) {
    const pkt = packets.subarray(p, p + TS_PACKET_BYTES);
    const afc = (pkt[3]! >> 4) & 3;
    const start = afc === 3 ? 5 + pkt[4]! : 4;
    out.push(pkt.subarray(start));
  }
  return Buffer.concat(out);
}

function data(n: number): Buffer {
  return Buffer.from(Array.from({ length: n }, (_, i) => i % 251));
}

test('PAT as a packet: header, pointer_field 0, section, 0xFF stuffing (like ffmpeg’s)', () => {
  const pkt = new TsPacketizer().section(0, buildPatSection({ pmtPid: 0x1000 }));
  assert.equal(pkt.length, 188);
  assert.equal(pkt.subarray(0, 21).toString('hex'), '47400010' + '00' + '00b00d0001c100000001f0002ab104b2');
  assert.ok(pkt.subarray(21).every((b) => b === 0xff));
});

test('a PES of exactly 184 bytes is one packet without adaptation field', () => {
  const pkt = new TsPacketizer().pes(PID, [data(184)], 184);
  assert.equal(pkt.length, 188);
  assert.equal(pkt.subarray(0, 4).toString('hex'), '47410010');
  assert.deepEqual(pkt.subarray(4), data(184));
});

test('stuffing: 183 bytes → adaptation_field_length 0; 182 → length 1 with zero flags; 100 → 0xFF stuffing', () => {
  const p183 = new TsPacketizer().pes(PID, [data(183)], 183);
  assert.equal(p183.subarray(0, 5).toString('hex'), '4741003000');
  assert.deepEqual(p183.subarray(5), data(183));
  const p182 = new TsPacketizer().pes(PID, [data(182)], 182);
  assert.equal(p182.subarray(0, 6).toString('hex'), '474100300100');
  const p100 = new TsPacketizer().pes(PID, [data(100)], 100);
  assert.equal(p100[4], 83);
  assert.equal(p100[5], 0x00);
  assert.ok(p100.subarray(6, 88).every((b) => b === 0xff));
  assert.deepEqual(p100.subarray(88), data(100));
});

test('PCR and random_access_indicator go in the first packet’s adaptation field', () => {
  const pkt = new TsPacketizer().pes(PID, [data(176)], 176, { pcr: 90000, randomAccess: true });
  assert.equal(pkt.length, 188);
  // AF length 7 | flags: random_access 0x40 + PCR_flag 0x10 | PCR base 90000, ext 0
  assert.equal(pkt.subarray(0, 12).toString('hex'), '47410030' + '07' + '50' + '0000afc87e00');
  const max = new TsPacketizer().pes(PID, [data(10)], 10, { pcr: 2 ** 33 - 1 });
  assert.equal(max.subarray(5, 12).toString('hex'), '10fffffffffe00');
  const wrapped = new TsPacketizer().pes(PID, [data(10)], 10, { pcr: 2 ** 33 + 90000 });
  assert.equal(wrapped.subarray(6, 12).toString('hex'), '0000afc87e00');
});

test('a PES over several packets: PUSI only first, counters advance, payload survives, parts may split anywhere', () => {
  const all = data(400);
  const parts = [all.subarray(0, 19), all.subarray(19, 20), all.subarray(20, 390), all.subarray(390)];
  assert.equal(TsPacketizer.pesPacketCount(400, { pcr: 0 }), 3);
  const pkts = new TsPacketizer().pes(PID, parts, 400, { pcr: 0, randomAccess: true });
  assert.equal(pkts.length, 3 * 188);
  assert.deepEqual([0, 1, 2].map((i) => pkts[i * 188 + 1]! & 0x40), [0x40, 0, 0]);
  assert.deepEqual([0, 1, 2].map((i) => pkts[i * 188 + 3]! & 0x0f), [0, 1, 2]);
  assert.deepEqual(payloadOf(pkts), all);
  // last packet: 400 - 176 - 184 = 40 payload bytes, 144 bytes of adaptation field
  assert.equal(pkts[2 * 188 + 4], 143);
});

test('continuity counters are per PID and wrap 15 → 0; PSI packets count too', () => {
  const tp = new TsPacketizer();
  const seen: number[] = [];
  for (let i = 0; i < 20; i++) seen.push(tp.pes(PID, [data(10)], 10)[3]! & 0x0f);
  assert.deepEqual(seen, [...Array.from({ length: 16 }, (_, i) => i), 0, 1, 2, 3]);
  assert.equal(tp.pes(0x101, [data(10)], 10)[3]! & 0x0f, 0);
  assert.equal(tp.section(0, buildPatSection({ pmtPid: 0x1000 }))[3]! & 0x0f, 0);
  assert.equal(tp.section(0, buildPatSection({ pmtPid: 0x1000 }))[3]! & 0x0f, 1);
  tp.reset();
  assert.equal(tp.pes(PID, [data(10)], 10)[3]! & 0x0f, 0);
});

test('packet counts match the bytes produced for many sizes and options', () => {
  const tp = new TsPacketizer();
  for (let n = 1; n <= 1200; n += 7) {
    for (const opts of [{}, { randomAccess: true }, { pcr: 1, randomAccess: true }]) {
      const pkts = tp.pes(PID, [data(n)], n, opts);
      assert.equal(pkts.length, TsPacketizer.pesPacketCount(n, opts) * 188);
      assert.deepEqual(payloadOf(pkts), data(n), `n=${n}`);
      for (let p = 0; p < pkts.length; p += 188) assert.equal(pkts[p], 0x47);
    }
  }
});
