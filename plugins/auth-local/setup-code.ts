import { randomInt } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ForbiddenError } from 'xlive/sdk';
import { safeEqual } from './timing-safe.js';

/** Letters and digits that are not confused on a console (no 0/O, 1/I/L). */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 12;
/** Spaces and dashes people type for readability are ignored; the code is case-insensitive. */
const normalize = (v: string) => v.replace(/[\s-]/g, '').toUpperCase().slice(0, 128);

/**
 * The optional first-boot setup code: when the file exists (the installer or image writes it and
 * shows it on the console, or `xlive admin setup-code` makes one), `POST /api/v1/setup` needs the same
 * code in `setupCode`, compared in constant time. Without the file, setup works as before.
 */
export class SetupCode {
  constructor(readonly file: string) {}

  /** The code, or undefined when there is no (non-empty) file. Read at each use, so it can be added while the box runs. */
  current(): string | undefined {
    if (!existsSync(this.file)) return undefined;
    const code = normalize(readFileSync(this.file, 'utf8'));
    return code === '' ? undefined : code;
  }

  required(): boolean {
    return this.current() !== undefined;
  }

  /** Throws ForbiddenError when a code is required and `given` is missing or wrong. */
  check(given: unknown): void {
    const code = this.current();
    if (code === undefined) return;
    if (typeof given !== 'string' || given === '') throw new ForbiddenError('setup needs the setup code shown on the box\'s console (setupCode)', { details: { setupCodeRequired: true } });
    if (!safeEqual(normalize(given), code)) throw new ForbiddenError('the setup code is wrong; it is shown on the box\'s console ("xlive admin setup-code")', { details: { setupCodeRequired: true } });
  }

  /** The existing code, or a new random one written with mode 0600. */
  ensure(): string {
    const existing = this.current();
    if (existing) return existing;
    let code = '';
    for (let i = 0; i < CODE_LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
    writeFileSync(this.file, `${code}\n`, { mode: 0o600 });
    return code;
  }
}

/** `ABCD-EFGH-JKMN`: how the console shows a code. */
export function formatSetupCode(code: string): string {
  return code.match(/.{1,4}/g)?.join('-') ?? code;
}

/** Where the first-boot setup code lives: `setupCodeFile`, or `<plugin data dir>/setup-code`. */
export function setupCodeFile(pluginDataDir: string, config: { setupCodeFile: string }): string {
  return config.setupCodeFile || join(pluginDataDir, 'setup-code');
}
