import type { ByteCursor } from '../bytes/byte-cursor.js';

/** Bounds for decoding AMF from untrusted peers. */
export interface AmfLimits {
  /** Nesting depth of objects/arrays (default 32). */
  maxDepth: number;
  /** Total values decoded from one payload (default 65536). */
  maxValues: number;
}

export const DEFAULT_AMF_LIMITS: Readonly<AmfLimits> = Object.freeze({ maxDepth: 32, maxValues: 65536 });

/** Per-payload decoding state: limits and counters, shared by the AMF0 and AMF3 decoders. */
export class AmfContext {
  depth = 0;
  values = 0;
  /** Whether an AMF0 payload used the avmplus marker (0x11) to switch a value to AMF3. */
  switchedToAmf3 = false;
  readonly limits: AmfLimits;

  constructor(limits: Partial<AmfLimits> = {}) {
    this.limits = { ...DEFAULT_AMF_LIMITS, ...limits };
  }

  /** Count one value; throws ParseError when the payload holds too many. */
  count(cur: ByteCursor): void {
    if (++this.values > this.limits.maxValues) cur.fail(`more than ${this.limits.maxValues} amf values`);
  }

  enter(cur: ByteCursor): void {
    if (++this.depth > this.limits.maxDepth) cur.fail(`amf nesting deeper than ${this.limits.maxDepth}`);
  }

  leave(): void {
    this.depth--;
  }

  /** Runs `fn` one nesting level deeper; throws ParseError past `maxDepth`. */
  nested<T>(cur: ByteCursor, fn: () => T): T {
    this.enter(cur);
    try {
      return fn();
    } finally {
      this.leave();
    }
  }
}

/** Set a decoded property without ever touching a prototype (`__proto__` keys from hostile peers). */
export function setAmfProperty(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}
