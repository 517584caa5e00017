/**
 * The SDK as a package (scripts/pack-sdk.mjs): packed from the build, installed into a plugin project
 * in a temporary folder outside the repository, the project compiles with tsc against it and its test,
 * written only against `xlive/sdk` and `xlive/sdk/testing`, passes — no xlive source anywhere near.
 *
 * "Installed" is what `npm install <tgz>` does, offline: the archive unpacked to node_modules/xlive and
 * each dependency its package.json names placed beside it (linked from this checkout's node_modules,
 * so no registry is needed and better-sqlite3 needs no native build). Only the declared dependencies
 * are there: a file of the package importing anything else fails the test.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PACKAGE_ROOT } from '../helpers/appliance.js';

const PLUGIN_PACKAGE = {
  name: 'xlive-plugin-greeter',
  version: '1.0.0',
  type: 'module',
  main: 'dist/index.js',
  scripts: { build: 'tsc -p tsconfig.json', test: 'node --test dist/' },
  devDependencies: { xlive: 'file:../xlive-sdk.tgz' },
  xlive: {
    id: 'greeter',
    apiVersion: '^1.3.0',
    kinds: ['other'],
    permissions: ['http', 'http:public'],
    configSchema: { type: 'object', additionalProperties: false, properties: { greeting: { type: 'string', default: 'hello' } } },
  },
};

const TSCONFIG = {
  compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, outDir: 'dist', rootDir: 'src', types: ['node'], skipLibCheck: false },
  include: ['src'],
};

const PLUGIN_SOURCE = `import { definePlugin, NotFoundError, type PluginContext } from 'xlive/sdk';
import { ByteCursor } from 'xlive/media';

export interface GreeterConfig { greeting: string }

export default definePlugin<GreeterConfig>({
  setup(ctx: PluginContext<GreeterConfig>) {
    ctx.http.route('GET', '/:name', (c) => {
      const name = c.req.param('name');
      if (name === 'nobody') throw new NotFoundError(\`no one called \${name}\`);
      return c.json({ message: \`\${ctx.config.greeting}, \${name}\`, size: new ByteCursor(new Uint8Array([0, 1, 0])).u24() });
    }, { public: true });
  },
});
`;

const PLUGIN_TEST = `import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createTestContext } from 'xlive/sdk/testing';
import plugin from './index.js';

it('greets through the real HTTP app, and its 404 is a problem+json 404', async () => {
  const t = createTestContext({ id: 'greeter', manifestFrom: import.meta.url, config: { greeting: 'hi' } });
  const instance = plugin.setup(t.ctx);
  t.commit();
  await instance?.start?.();
  const srv = await t.serve();
  try {
    const ok = await fetch(\`\${srv.url}/plugins/greeter/ada\`);
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { message: 'hi, ada', size: 256 });
    const missing = await fetch(\`\${srv.url}/plugins/greeter/nobody\`);
    assert.equal(missing.status, 404);
    assert.match(missing.headers.get('content-type') ?? '', /application\\/problem\\+json/);
    assert.equal(((await missing.json()) as { code: string }).code, 'NOT_FOUND');
    assert.deepEqual(t.parts.routes.routes.map((r) => \`\${r.method} \${r.path}\`), ['GET /plugins/greeter/:name']);
  } finally {
    await instance?.stop?.();
    t.release();
    await srv.close();
    t.dispose();
  }
});
`;

let work = '';
let tgz = '';

function run(cmd: string, args: string[], cwd: string): { status: number | null; out: string } {
  // Not the runner's own child: without NODE_TEST_CONTEXT the project's `node --test` runs its files.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_TEST_CONTEXT'));
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

/** What `npm install <tgz>` leaves: node_modules/xlive, and its dependencies beside it. */
function install(project: string): void {
  const nm = join(project, 'node_modules');
  const target = join(nm, 'xlive');
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', tgz, '-C', target, '--strip-components=1']);
  const pkg = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const dep of Object.keys(pkg.dependencies)) {
    const from = join(PACKAGE_ROOT, 'node_modules', dep);
    assert.ok(existsSync(from), `${dep} is in this checkout's node_modules`);
    mkdirSync(dirname(join(nm, dep)), { recursive: true });
    symlinkSync(from, join(nm, dep), 'dir');
  }
}

describe('the SDK package', () => {
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'xlive-sdk-package-'));
    const packed = run(process.execPath, [join(PACKAGE_ROOT, 'scripts', 'pack-sdk.mjs'), '--out', join(work, 'pack')], PACKAGE_ROOT);
    assert.equal(packed.status, 0, packed.out);
    const name = readdirSync(join(work, 'pack')).find((f) => /^xlive-sdk-.+\.tgz$/.test(f));
    assert.ok(name, 'an xlive-sdk-<version>.tgz');
    tgz = join(work, 'xlive-sdk.tgz');
    execFileSync('cp', [join(work, 'pack', name), tgz]);
  });
  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('holds the SDK, media and testing entry points with their types, and no tests, sources or appliance', () => {
    const list = execFileSync('tar', ['-tzf', tgz], { encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const f of ['package/package.json', 'package/dist/core/sdk/index.d.ts', 'package/dist/core/sdk/index.js', 'package/dist/core/sdk/testing/index.d.ts', 'package/dist/core/media/index.d.ts']) {
      assert.ok(list.includes(f), f);
    }
    assert.deepEqual(list.filter((f) => /\.test\.|\.ts$(?<!\.d\.ts)|\.map$|\/appliance\/|\/plugins\/[a-z-]+\/index|node_modules/.test(f)), []);
    const pkg = JSON.parse(execFileSync('tar', ['-xzOf', tgz, 'package/package.json'], { encoding: 'utf8' })) as { name: string; type: string; exports: Record<string, unknown>; dependencies: Record<string, string> };
    assert.equal(pkg.name, 'xlive');
    assert.equal(pkg.type, 'module');
    assert.deepEqual(Object.keys(pkg.exports).sort(), ['./media', './package.json', './sdk', './sdk/testing']);
    assert.ok(pkg.dependencies['@types/node'], '@types/node, so a plugin compiles out of the box');
    assert.ok(pkg.dependencies['hono'], 'hono: the SDK names its Context type');
  });

  it('a plugin project outside the repository compiles against it and its xlive/sdk/testing test passes', () => {
    const project = join(work, 'greeter');
    mkdirSync(join(project, 'src'), { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify(PLUGIN_PACKAGE, null, 2));
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
    writeFileSync(join(project, 'src', 'index.ts'), PLUGIN_SOURCE);
    writeFileSync(join(project, 'src', 'index.test.ts'), PLUGIN_TEST);
    install(project);
    const tsc = run(process.execPath, [join(PACKAGE_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], project);
    assert.equal(tsc.status, 0, `tsc: ${tsc.out}`);
    const test = run(process.execPath, ['--test', '--test-reporter=tap', join('dist', 'index.test.js')], project);
    assert.equal(test.status, 0, test.out);
    assert.match(test.out, /# pass 1/);
    assert.match(test.out, /# fail 0/);
  });

  it('a type error against the SDK fails the build (the types are real, not any)', () => {
    const project = join(work, 'broken');
    mkdirSync(join(project, 'src'), { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ ...PLUGIN_PACKAGE, name: 'broken' }, null, 2));
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
    writeFileSync(join(project, 'src', 'index.ts'), `import { definePlugin } from 'xlive/sdk';\nexport default definePlugin({ setup(ctx) { ctx.http.route('GET', '/', 42); } });\n`);
    install(project);
    const tsc = run(process.execPath, [join(PACKAGE_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], project);
    assert.notEqual(tsc.status, 0);
    assert.match(tsc.out, /index\.ts\(2,\d+\): error TS2345/);
  });
});
