import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { firstRefusedKeyword, refuseCrossDatabaseSql } from './sql-guard.js';

describe('refuseCrossDatabaseSql', () => {
  it('finds ATTACH and DETACH in any case and spacing', () => {
    assert.equal(firstRefusedKeyword("ATTACH DATABASE '/data/xlive.db' AS core"), 'ATTACH');
    assert.equal(firstRefusedKeyword("select 1; attach 'x.db' as x"), 'ATTACH');
    assert.equal(firstRefusedKeyword('/* hi */DeTaCh core'), 'DETACH');
    assert.throws(() => refuseCrossDatabaseSql("ATTACH 'x' AS y", 'snoop'), (e: Error & { code?: string }) => e.code === 'DATABASE_ERROR' && /snoop/.test(e.message));
  });

  it('ignores the words inside literals, quoted identifiers and comments', () => {
    for (const sql of [
      "SELECT 'attach database x' AS a",
      'SELECT "attach" FROM t',
      'SELECT [detach] FROM t',
      'SELECT `attach` FROM t',
      '-- attach here\nSELECT 1',
      '/* detach */ SELECT 1',
      "SELECT 'it''s attach'",
      'CREATE TABLE attachments (id INTEGER)',
    ]) {
      assert.equal(firstRefusedKeyword(sql), undefined, sql);
    }
  });
});
