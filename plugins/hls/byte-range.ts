/**
 * `Range: bytes=…` of a GET (RFC 9110 §14): one range of a representation of `size` bytes. Forms
 * `a-b`, `a-` and `-n` (the last n bytes). A header that is not a bytes range, or has several ranges,
 * is ignored (the whole body is sent, as §14.2 allows); a range that starts at or past the end is
 * unsatisfiable (416).
 */
export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

export type RangeAnswer = { kind: 'full' } | { kind: 'partial'; range: ByteRange } | { kind: 'unsatisfiable' };

const SPEC = /^bytes=(\d{0,15})-(\d{0,15})$/;

export function parseRange(header: string | undefined, size: number): RangeAnswer {
  if (header === undefined) return { kind: 'full' };
  const m = SPEC.exec(header.trim().replace(/\s+/g, ''));
  if (!m || (m[1] === '' && m[2] === '')) return { kind: 'full' };
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', range: { start: Math.max(0, size - suffix), end: size - 1 } };
  }
  const start = Number(m[1]);
  const last = m[2] === '' ? Infinity : Number(m[2]);
  if (last < start) return { kind: 'full' }; // invalid syntax: ignored (§14.1.1)
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', range: { start, end: Math.min(last, size - 1) } };
}

/** The parts of a concatenation of pieces (sizes in order) that cover `range`: piece index, offset in it, length. */
export function piecesOf(sizes: readonly number[], range: ByteRange): Array<{ index: number; offset: number; length: number }> {
  const out: Array<{ index: number; offset: number; length: number }> = [];
  let at = 0;
  for (let i = 0; i < sizes.length && at <= range.end; i++) {
    const size = sizes[i]!;
    const from = Math.max(range.start, at);
    const to = Math.min(range.end, at + size - 1);
    if (from <= to) out.push({ index: i, offset: from - at, length: to - from + 1 });
    at += size;
  }
  return out;
}
