/** Test support: bytes from hex ("01 ff …") and from bit strings ("0101 …"), for hand-made fixtures. */
export function hex(s: string): Buffer {
  return Buffer.from(s.replace(/\s+/g, ''), 'hex');
}

export function bits(s: string): Buffer {
  const clean = s.replace(/\s+/g, '');
  const out = Buffer.alloc(Math.ceil(clean.length / 8));
  for (let i = 0; i < clean.length; i++) if (clean[i] === '1') out[i >> 3]! |= 0x80 >> (i & 7);
  return out;
}
