/**
 * Where a JSON text (RFC 8259) first breaks the grammar, so a malformed config file can be reported
 * by line and column. V8's `JSON.parse` messages carry a position only for some errors, so this is a
 * small validating scanner (no values are built). Only used after `JSON.parse` has failed.
 */

/** Nesting deeper than this is reported as an error at the bracket that exceeds it. */
const MAX_DEPTH = 512;

/** Offset (UTF-16 units) of the first character that breaks the grammar, or -1 if `text` is valid JSON. */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const n = text.length;
  const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

  // RFC 8259 §2: ws = *( %x20 / %x09 / %x0A / %x0D )
  const ws = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      i++;
    }
  };

  // RFC 8259 §3: false / null / true, lower case.
  const literal = (word: string): boolean => {
    for (let k = 0; k < word.length; k++) {
      if (text[i] !== word[k]) return false;
      i++;
    }
    return true;
  };

  // RFC 8259 §7: quotation-mark *char quotation-mark; control characters must be escaped.
  const string = (): boolean => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          for (let k = 2; k < 6; k++) {
            if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) {
              i += k;
              return false;
            }
          }
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) {
          i++;
          return false;
        }
        i += 2;
        continue;
      }
      i++;
    }
    return false;
  };

  // RFC 8259 §6: [ minus ] int [ frac ] [ exp ]; int = zero / ( digit1-9 *DIGIT )
  const number = (): boolean => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else if (isDigit(text[i])) while (isDigit(text[i])) i++;
    else return false;
    if (text[i] === '.') {
      i++;
      if (!isDigit(text[i])) return false;
      while (isDigit(text[i])) i++;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (!isDigit(text[i])) return false;
      while (isDigit(text[i])) i++;
    }
    return true;
  };

  // RFC 8259 §4 (objects) and §5 (arrays).
  const container = (close: '}' | ']', depth: number): boolean => {
    if (depth > MAX_DEPTH) return false;
    i++;
    ws();
    if (text[i] === close) {
      i++;
      return true;
    }
    for (;;) {
      ws();
      if (close === '}') {
        if (text[i] !== '"' || !string()) return false;
        ws();
        if (text[i] !== ':') return false;
        i++;
      }
      if (!value(depth)) return false;
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] !== close) return false;
      i++;
      return true;
    }
  };

  const value = (depth: number): boolean => {
    ws();
    const c = text[i];
    if (c === '{') return container('}', depth + 1);
    if (c === '[') return container(']', depth + 1);
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || isDigit(c)) return number();
    return false;
  };

  if (!value(0)) return Math.min(i, n);
  ws();
  return i < n ? i : -1;
}

/** 1-based line and column of `offset` in `text` (columns in UTF-16 units). */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let k = 0; k < end; k++) {
    if (text.charCodeAt(k) === 0x0a) {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}
