/**
 * MPEG-TS timestamps (ISO/IEC 13818-1 §2.4.3.7): PTS/DTS and the PCR base are 33-bit counts of a
 * 90 kHz clock that wrap at 2^33. Values reach 2^33, so everything here is plain arithmetic with
 * `%` and multiplication — never 32-bit bit operators.
 */

/** 2^33: the PTS/DTS/PCR-base wrap. */
export const TS_CLOCK_WRAP = 2 ** 33;
/** 90 kHz ticks per millisecond. */
export const TICKS_PER_MS = 90;

/** Reduces any integer (negative too) into [0, 2^33). */
export function wrap33(ticks: number): number {
  const m = ticks % TS_CLOCK_WRAP;
  return m < 0 ? m + TS_CLOCK_WRAP : m;
}

/** Maps an RTMP millisecond time (plus an offset) to a 33-bit 90 kHz timestamp. */
export function msTo90k(ms: number, offsetMs = 0): number {
  return wrap33(Math.round((ms + offsetMs) * TICKS_PER_MS));
}
