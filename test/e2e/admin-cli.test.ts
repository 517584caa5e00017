import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Readable as ReadableT } from 'node:stream';
import { runCli, type CliIo } from '../../appliance/cli/run-cli.js';

/** `xlive admin …`: a console command of the auth-local plugin, run through the CLI. */
const adminCommand = (args: string[], io: CliIo, stdin?: ReadableT) => runCli(['admin', ...args], { ...io, ...(stdin && { stdin }) });

function io(dir: string, env: Record<string, string> = {}) {
  const out = new PassThrough();
  const err = new PassThrough();
  let o = '';
  let e = '';
  out.on('data', (d: Buffer) => (o += d.toString()));
  err.on('data', (d: Buffer) => (e += d.toString()));
  return { io: { cwd: dir, env: { XLIVE_DATA_DIR: join(dir, 'data'), XLIVE_LOG_LEVEL: 'silent', ...env }, out, err }, out: () => o, err: () => e };
}

describe('xlive admin create|reset-password', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xlive-admin-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const users = () => {
    const db = new Database(join(dir, 'data', 'plugin-data', 'auth-local', 'auth-local.db'), { readonly: true });
    try {
      return db.prepare('SELECT username, role, password_hash FROM auth_local_users ORDER BY id').all() as Array<{ username: string; role: string; password_hash: string }>;
    } finally {
      db.close();
    }
  };

  it('creates an admin with the password from stdin (first line) in auth-local\'s own database, and closes first-boot setup', async () => {
    const t = io(dir);
    assert.equal(await adminCommand(['create', 'root'], t.io, Readable.from(['a long console password\nignored\n'])), 0);
    assert.match(t.out(), /admin "root" created/);
    const rows = users();
    assert.deepEqual(rows.map((u) => [u.username, u.role]), [['root', 'admin']]);
    const { verifyPassword } = await import('../../plugins/auth-local/password-hash.js');
    assert.equal(await verifyPassword('a long console password', rows[0]!.password_hash), true);
    const db = new Database(join(dir, 'data', 'plugin-data', 'auth-local', 'auth-local.db'), { readonly: true });
    assert.ok(db.prepare("SELECT value FROM auth_local_meta WHERE key = 'setup_done'").get());
    db.close();
  });

  it('refuses a duplicate, a short password and a missing password with a message and exit code 1', async () => {
    const dup = io(dir);
    assert.equal(await adminCommand(['create', 'ROOT'], dup.io, Readable.from(['another long password\n'])), 1);
    assert.match(dup.err(), /already exists/);
    const short = io(dir);
    assert.equal(await adminCommand(['create', 'x'], short.io, Readable.from(['short\n'])), 1);
    assert.match(short.err(), /at least 10 characters/);
    const none = io(dir);
    assert.equal(await adminCommand(['create', 'y'], none.io, Readable.from([''])), 1);
    assert.match(none.err(), /XLIVE_ADMIN_PASSWORD/);
  });

  it('resets a password from XLIVE_ADMIN_PASSWORD', async () => {
    const before = users()[0]!.password_hash;
    const t = io(dir, { XLIVE_ADMIN_PASSWORD: 'the new console password' });
    assert.equal(await adminCommand(['reset-password', 'root'], t.io, Readable.from([])), 0);
    assert.match(t.out(), /password of "root" \(admin\) reset/);
    const after = users()[0]!.password_hash;
    assert.notEqual(after, before);
    const { verifyPassword } = await import('../../plugins/auth-local/password-hash.js');
    assert.equal(await verifyPassword('the new console password', after), true);
    const unknown = io(dir, { XLIVE_ADMIN_PASSWORD: 'the new console password' });
    assert.equal(await adminCommand(['reset-password', 'nobody'], unknown.io), 1);
  });

  it('prints usage for anything else (exit 64)', async () => {
    for (const args of [[], ['create'], ['delete', 'root'], ['create', 'a', 'b']]) {
      const t = io(dir);
      assert.equal(await adminCommand(args, t.io), 64);
      assert.match(t.err(), /usage: xlive admin/);
    }
  });

  it('setup-code: creates the code once (mode 0600), prints it, and prints the same code again', async () => {
    const { readFileSync, statSync } = await import('node:fs');
    const first = io(dir);
    assert.equal(await adminCommand(['setup-code'], first.io), 0);
    const m = /setup code: ([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})/.exec(first.out());
    assert.ok(m, first.out());
    const file = join(dir, 'data', 'plugin-data', 'auth-local', 'setup-code');
    assert.equal(readFileSync(file, 'utf8').trim(), m[1]!.replace(/-/g, ''));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const again = io(dir);
    assert.equal(await adminCommand(['setup-code'], again.io), 0);
    assert.match(again.out(), new RegExp(m[1]!));
  });
});
