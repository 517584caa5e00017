/**
 * CRC-32/MPEG-2 as used by PSI sections (ISO/IEC 13818-1 Annex A): polynomial 0x04C11DB7,
 * initial value 0xFFFFFFFF, no bit reflection, no final XOR. Table-driven, one byte a step.
 */

function buildTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    table[i] = c >>> 0;
  }
  return table;
}

/** Read-only after construction; never written once built. */
const TABLE: Readonly<Uint32Array> = buildTable();

/** CRC-32/MPEG-2 of `data[start, end)`, as an unsigned 32-bit number. */
export function crc32Mpeg2(data: Uint8Array, start = 0, end = data.length): number {
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) crc = (crc << 8) ^ TABLE[((crc >>> 24) ^ data[i]!) & 0xff]!;
  return crc >>> 0;
}
