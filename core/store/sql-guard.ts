import { DatabaseError } from '../errors/xlive-error.js';

/**
 * Statements a plugin may not run on its own database: ATTACH would open another file (the core's
 * `xlive.db`, another plugin's database) through the plugin's connection, DETACH goes with it.
 */
const REFUSED_KEYWORDS = new Set(['ATTACH', 'DETACH']);

/**
 * Throw DatabaseError (code DATABASE_ERROR) when `sql` uses ATTACH or DETACH as a keyword. The scan
 * skips string literals, quoted identifiers (`"…"`, `[…]`, `` `…` ``) and comments, so a column or
 * value named "attach" is fine when quoted. This keeps the SDK's PluginDatabase on one file; it is no
 * sandbox (see docs/security.md: plugin code runs in-process and can open files itself).
 */
export function refuseCrossDatabaseSql(sql: string, owner: string): void {
  const word = firstRefusedKeyword(sql);
  if (word === undefined) return;
  throw new DatabaseError(
    `plugin ${owner}: ${word} is not allowed on a plugin database (each plugin has its own file and no handle to others)`,
    { details: { owner, keyword: word } },
  );
}

/** The first ATTACH/DETACH keyword in `sql` outside literals and comments, upper-cased. */
export function firstRefusedKeyword(sql: string): string | undefined {
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"' || ch === '`') {
      i = skipQuoted(sql, i, ch);
    } else if (ch === '[') {
      const end = sql.indexOf(']', i + 1);
      i = end < 0 ? n : end + 1;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i + 2);
      i = end < 0 ? n : end + 1;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (isWordStart(ch)) {
      let j = i + 1;
      while (j < n && isWordPart(sql[j]!)) j++;
      const word = sql.slice(i, j).toUpperCase();
      if (REFUSED_KEYWORDS.has(word)) return word;
      i = j;
    } else {
      i++;
    }
  }
  return undefined;
}

/** Index after the closing quote; a doubled quote is an escaped one. */
function skipQuoted(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return sql.length;
}

function isWordStart(ch: string): boolean {
  return /[A-Za-z_\u0080-\uffff]/.test(ch);
}

function isWordPart(ch: string): boolean {
  return /[A-Za-z0-9_$\u0080-\uffff]/.test(ch);
}
