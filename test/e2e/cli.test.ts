/**
 * The command line (issue 13): every command's arguments parsed strictly with node:util parseArgs
 * (`xlive backup --overwrite out.db` once wrote a file named "--overwrite"), console commands that
 * plugins contribute (auth-local's admin/keys among them), `xlive plugins new` → build → test → check
 * outside the repo, `xlive plugins check` naming authors' mistakes, and `xlive plugins list` agreeing
 * with GET /api/v1/plugins on a running box (a failed plugin, a pending change).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PACKAGE_ROOT, runCli, startAppliance } from '../helpers/appliance.js';
import { enablePlugins, writePlugin } from '../helpers/external-plugins.js';

const OPEN = { XLIVE_PLUGIN_HOST_DISABLE: '["auth-local"]', XLIVE_AUTH_LAB_MODE: '1' };

/** Run a program (npm) to completion, bounded in time. */
function run(cmd: string, args: string[], cwd: string, timeoutMs = 120_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/root' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('xlive command line', () => {
  const root = mkdtempSync(join(tmpdir(), 'xlive-cli-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('parses every command strictly: options are options, an unknown one is exit 2 with the usage, --help everywhere', async () => {
    const dir = join(root, 'args');
    mkdirSync(dir);
    const env = { XLIVE_DATA_DIR: join(dir, 'data') };
    const b = await runCli(['backup', '--overwrite', 'out.tgz'], env, dir);
    assert.equal(b.code, 0, b.stderr);
    assert.ok(existsSync(join(dir, 'out.tgz')), 'the backup went to out.tgz');
    assert.ok(!existsSync(join(dir, '--overwrite')), 'no file named --overwrite');
    assert.equal(statSync(join(dir, 'out.tgz')).mode & 0o777, 0o600);

    const commands = [['serve'], ['config', 'check'], ['backup', 'x'], ['restore', 'x'], ['update', 'x.deb'], ['version'], ['plugins', 'list'], ['plugins', 'new', 'x'], ['plugins', 'check', '.'], ['plugins', 'install', 'x'], ['admin', 'create', 'x'], ['keys', 'list']];
    for (const c of commands) {
      const bad = await runCli([...c, '--bogus'], env, dir);
      assert.equal(bad.code, 2, `${c.join(' ')} --bogus: ${bad.stdout}${bad.stderr}`);
      assert.match(bad.stderr, /Unknown option '--bogus'/, c.join(' '));
      assert.match(bad.stderr, /usage: xlive/, c.join(' '));
      const help = await runCli([c[0]!, ...(c[0] === 'plugins' ? [c[1]!] : []), '--help'], env, dir);
      assert.equal(help.code, 0, `${c.join(' ')} --help: ${help.stderr}`);
      assert.match(help.stdout, new RegExp(`usage: xlive ${c[0]}`), c.join(' '));
    }
    const missing = await runCli(['backup'], env, dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /usage: xlive backup FILE/);
    const extra = await runCli(['restore', 'a', 'b'], env, dir);
    assert.equal(extra.code, 2);
    assert.match(extra.stderr, /unexpected argument "b"/);
    const help = await runCli(['help'], env, dir);
    assert.match(help.stdout, /commands from plugins:\n\s+admin\s+\(auth-local/);
  });

  it('runs the console commands of enabled plugins only, with their config and store; a core name is refused', async () => {
    const dir = join(root, 'cmds');
    const data = join(dir, 'data');
    const ext = join(data, 'plugins');
    const env = { XLIVE_DATA_DIR: data };
    writePlugin(
      ext,
      'greeter',
      { commands: ['greet'], configSchema: { type: 'object', properties: { word: { type: 'string', default: 'hello' } } } },
      `import { definePlugin, ValidationError } from 'xlive/sdk';
export default definePlugin({
  commands: [{
    name: 'greet', summary: 'greet someone', usage: 'usage: xlive greet NAME [--twice]\\n', options: { twice: { type: 'boolean' } },
    run(ctx, { values, positionals }) {
      if (positionals.length !== 1) throw new ValidationError('greet whom?');
      const n = (ctx.store.get('count') ?? 0) + 1;
      ctx.store.set('count', n);
      for (let i = 0; i < (values.twice ? 2 : 1); i++) ctx.out.write(ctx.config.word + ' ' + positionals[0] + ' #' + n + '\\n');
      return 0;
    },
  }],
  setup() { throw new Error('setup must not run for a console command'); },
});`,
    );
    writePlugin(ext, 'rogue', { commands: ['backup'] }, `import { definePlugin } from 'xlive/sdk';
export default definePlugin({ commands: [{ name: 'backup', summary: 'x', usage: 'x', run(ctx) { ctx.out.write('ROGUE\\n'); } }], setup() {} });`);

    const off = await runCli(['greet', 'bob'], env, dir);
    assert.equal(off.code, 64, off.stdout);
    assert.match(off.stderr, /plugin greeter, which is disabled \(xlive plugins enable greeter\)/);
    await enablePlugins(data, ['greeter', 'rogue']);

    const one = await runCli(['greet', 'bob'], env, dir);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(one.stdout, 'hello bob #1\n');
    const two = await runCli(['greet', 'ann', '--twice'], env, dir);
    assert.equal(two.stdout, 'hello ann #2\nhello ann #2\n', 'its store persists between runs');
    const bad = await runCli(['greet', '--loud'], env, dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Unknown option '--loud'[\s\S]*usage: xlive greet NAME/);
    const refused = await runCli(['greet'], env, dir);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /xlive greet: greet whom\?/);

    const core = await runCli(['backup', join(dir, 'b.tgz')], env, dir);
    assert.equal(core.code, 0, core.stderr);
    assert.doesNotMatch(core.stdout, /ROGUE/);
    const help = await runCli(['help'], env, dir);
    assert.match(help.stdout, /plugin rogue declares the command "backup", which is a core xlive command; it is refused/);
    assert.match(help.stdout, /greet\s+\(greeter; xlive greet --help\)/);
    const check = await runCli(['plugins', 'check', join(ext, 'rogue')], env, dir);
    assert.equal(check.code, 1);
    assert.match(check.stderr, /command "backup" is a core xlive command/);
  });

  it('the appliance imports nothing of auth-local: its admin and keys commands are the plugin\'s', () => {
    const offenders: string[] = [];
    const walk = (d: string) => {
      for (const name of readdirSync(d)) {
        const p = join(d, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (name.endsWith('.ts') && /plugins\/auth-local/.test(readFileSync(p, 'utf8').split('\n').filter((l) => /\bimport\b|from '/.test(l)).join('\n'))) offenders.push(p);
      }
    };
    walk(join(PACKAGE_ROOT, 'appliance'));
    assert.deepEqual(offenders, []);
  });

  it('plugins new outside the repo builds, passes its test, passes check and installs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xlive-new-plugin-'));
    try {
      const env = { XLIVE_DATA_DIR: join(dir, 'data') };
      const made = await runCli(['plugins', 'new', 'shiny-thing', '--dir', 'proj'], env, dir);
      assert.equal(made.code, 0, made.stderr);
      const proj = join(dir, 'proj');
      const pkg = JSON.parse(readFileSync(join(proj, 'package.json'), 'utf8'));
      assert.equal(pkg.type, 'module');
      assert.equal(pkg.xlive.id, 'shiny-thing');
      assert.match(pkg.devDependencies.xlive, /^file:/);
      for (const f of ['tsconfig.json', 'src/index.ts', 'test/index.test.ts', 'README.md']) assert.ok(existsSync(join(proj, f)), f);
      const build = await run('npm', ['run', 'build'], proj);
      assert.equal(build.code, 0, build.out);
      const test = await run('npm', ['test'], proj);
      assert.equal(test.code, 0, test.out);
      assert.match(test.out, /# pass 2/);
      const check = await runCli(['plugins', 'check', proj], env, dir);
      assert.equal(check.code, 0, check.stdout + check.stderr);
      assert.match(check.stdout, /the box would accept this plugin/);
      const packed = await run('npm', ['pack', '--offline'], proj);
      assert.equal(packed.code, 0, packed.out);
      const tgz = join(proj, 'xlive-plugin-shiny-thing-0.1.0.tgz');
      const inst = await runCli(['plugins', 'install', tgz], env, dir);
      assert.equal(inst.code, 0, inst.stderr);
      assert.match(inst.stdout, /shiny-thing 0\.1\.0 installed/);
      const again = await runCli(['plugins', 'new', 'shiny-thing', '--dir', 'proj'], env, dir);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /exists and is not an empty folder/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('plugins check names the mistakes: CommonJS, a bundled SDK, a schema typo, no definePlugin, another API', async () => {
    const dir = join(root, 'check');
    const env = { XLIVE_DATA_DIR: join(dir, 'data') };
    const esm = `import { definePlugin } from 'xlive/sdk';\nexport default definePlugin({ setup() {} });\n`;
    const mk = (id: string, pkg: Record<string, unknown>, code: string, xlive: Record<string, unknown> = {}) => {
      const d = join(dir, id);
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'package.json'), JSON.stringify({ name: id, version: '1.0.0', main: 'index.js', ...pkg, xlive: { id, apiVersion: '^1.0.0', kinds: ['other'], ...xlive } }));
      writeFileSync(join(d, 'index.js'), code);
      return d;
    };
    const cases: Array<[string, string, RegExp]> = [
      [mk('cjs', {}, '"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nexports.default = { setup() {} };\n'), 'CommonJS', /loaded as CommonJS: a plugin must be an ES module; add "type": "module" to package.json/],
      [mk('typo', { type: 'module' }, esm, { configSchema: { type: 'object', properties: { a: { type: 'string', defualt: 'x' } } } }), 'typo', /unknown keyword "defualt": a typo of a JSON Schema keyword\?/],
      [mk('plain', { type: 'module' }, 'export default { hello: 1 };\n'), 'no definePlugin', /default export of index\.js is not definePlugin/],
      [mk('future', { type: 'module' }, esm, { apiVersion: '^9.0.0' }), 'API', /apiVersion \^9\.0\.0 does not include this box's plugin API/],
      [mk('perm', { type: 'module' }, esm, { permissions: ['root'] }), 'permission', /unknown permission "root"/],
    ];
    const bundled = mk('bundled', { type: 'module' }, esm);
    mkdirSync(join(bundled, 'node_modules', 'xlive'), { recursive: true });
    writeFileSync(join(bundled, 'node_modules', 'xlive', 'package.json'), '{"name":"xlive","version":"0.1.0"}');
    cases.push([bundled, 'bundled SDK', /holds node_modules\/xlive, its own copy of the xlive SDK[^\n]*a 404 becomes a 500[^\n]*Keep \"xlive\" a devDependency/]);
    for (const [d, what, re] of cases) {
      const r = await runCli(['plugins', 'check', d], env, dir);
      assert.equal(r.code, 1, `${what}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, re, `${what}: ${r.stderr}`);
      assert.match(r.stderr, /the box would refuse this plugin/);
    }
    const good = await runCli(['plugins', 'check', mk('good', { type: 'module' }, esm)], env, dir);
    assert.equal(good.code, 0, good.stderr);
  });

  it('plugins list and GET /api/v1/plugins agree on a running box: a failed plugin with its error, a pending change', async () => {
    const data = join(root, 'list');
    const ext = join(data, 'plugins');
    writePlugin(ext, 'broken', {}, `import { definePlugin } from 'xlive/sdk';\nexport default definePlugin({ setup() { throw new Error('broken on purpose'); } });\n`);
    writePlugin(ext, 'fine', {}, `import { definePlugin } from 'xlive/sdk';\nexport default definePlugin({ setup() {} });\n`);
    await enablePlugins(data, ['broken', 'fine'], OPEN);
    const env = { XLIVE_DATA_DIR: data, ...OPEN };
    const app = await startAppliance({ dataDir: data, env: OPEN, keepDataDir: true });
    try {
      const dis = await runCli(['plugins', 'disable', 'fine'], env, data);
      assert.equal(dis.code, 0, dis.stderr);
      const api = (await (await fetch(`${app.httpUrl}/api/v1/plugins?limit=500`)).json()) as {
        items: Array<{ id: string; state: string; enabledAfterRestart: boolean; pending: boolean; error: { code: string; message: string } | null }>;
      };
      const broken = api.items.find((p) => p.id === 'broken')!;
      const fine = api.items.find((p) => p.id === 'fine')!;
      assert.equal(broken.state, 'failed');
      assert.equal(fine.state, 'running');
      assert.equal(fine.pending, true);

      const list = await runCli(['plugins', 'list'], env, data);
      assert.equal(list.code, 0, list.stderr);
      assert.match(list.stdout, /is running \(pid \d+\)/);
      const lines = list.stdout.split('\n');
      for (const p of api.items) {
        const i = lines.findIndex((l) => l.startsWith(`${p.id} `));
        assert.ok(i >= 0, `${p.id} listed`);
        const cols = lines[i]!.split(/\s+/);
        assert.equal(cols[2], p.state, `${p.id} state`);
        assert.equal(cols[3], p.enabledAfterRestart ? 'enabled' : 'disabled', `${p.id} next start`);
        assert.equal(/PENDING \(/.test(lines[i]!), p.pending, `${p.id} pending`);
        if (p.error) assert.equal(lines[i + 1]!.trim(), `error ${p.error.code}: ${p.error.message}`);
      }
      assert.match(broken.error!.message, /broken on purpose/);
    } finally {
      assert.equal(await app.stop(), 0);
    }
    const saved = await runCli(['plugins', 'list'], env, data);
    assert.match(saved.stdout, /xlive is not running .*: the SAVED state/);
    assert.match(saved.stdout, /^fine\s+1\.0\.0\s+disabled/m);
  });
});
