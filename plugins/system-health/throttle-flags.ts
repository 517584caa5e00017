/**
 * Raspberry Pi firmware throttling flags, as `vcgencmd get_throttled` and the sysfs file
 * `/sys/devices/platform/soc/soc:firmware/get_throttled` report them (a hex bit field).
 * Bits per the Raspberry Pi documentation ("get_throttled"): 0 under-voltage detected, 1 ARM frequency
 * capped, 2 currently throttled, 3 soft temperature limit active; 16–19 the same "has occurred since boot".
 */
import { ValidationError } from 'xlive/sdk';

export interface ThrottleFlags {
  raw: number;
  underVoltage: boolean;
  frequencyCapped: boolean;
  throttled: boolean;
  softTempLimit: boolean;
  underVoltageOccurred: boolean;
  frequencyCappedOccurred: boolean;
  throttledOccurred: boolean;
  softTempLimitOccurred: boolean;
}

/** Flag names (metric label values) and their bit. */
export const THROTTLE_BITS: ReadonlyArray<readonly [Exclude<keyof ThrottleFlags, 'raw'>, number]> = [
  ['underVoltage', 0],
  ['frequencyCapped', 1],
  ['throttled', 2],
  ['softTempLimit', 3],
  ['underVoltageOccurred', 16],
  ['frequencyCappedOccurred', 17],
  ['throttledOccurred', 18],
  ['softTempLimitOccurred', 19],
];

/** Parse `50005`, `0x50005` or `throttled=0x50005` (surrounding whitespace allowed). */
export function parseThrottled(text: string): ThrottleFlags {
  const m = /^\s*(?:throttled=)?(?:0x)?([0-9a-fA-F]{1,8})\s*$/.exec(text);
  if (!m) throw new ValidationError(`get_throttled value ${JSON.stringify(text.slice(0, 40))} is not a hex number`);
  const raw = parseInt(m[1]!, 16);
  const flags = { raw } as ThrottleFlags;
  // Arithmetic, not bit operators: an 8-digit value can exceed the signed 32-bit range.
  for (const [name, bit] of THROTTLE_BITS) flags[name] = Math.floor(raw / 2 ** bit) % 2 === 1;
  return flags;
}

/** Conditions active now, for messages (`under-voltage, throttled`). */
export function activeConditions(f: ThrottleFlags): string[] {
  const out: string[] = [];
  if (f.underVoltage) out.push('under-voltage');
  if (f.frequencyCapped) out.push('frequency capped');
  if (f.throttled) out.push('throttled');
  if (f.softTempLimit) out.push('soft temperature limit');
  return out;
}
