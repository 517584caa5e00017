/**
 * The mistakes plugin authors made, against the real appliance (`xlive serve`): each plugin is refused
 * (or its failure explained) with a coded error that says what is wrong and how to fix it, and the box
 * keeps serving.
 * - CommonJS output without `"type": "module"`, and CommonJS output despite it: PLUGIN_MODULE_FORMAT;
 * - a copy of the SDK inside the plugin (node_modules/xlive): PLUGIN_SDK_BUNDLED before its code runs;
 * - a bundler that inlined the SDK's error classes: its NotFoundError is not the box's, so the request
 *   answers 500 — the log says why.
 * (A configSchema keyword typo: test/e2e/plugin-boundary.test.ts.)
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startAppliance, type ApplianceHandle } from '../helpers/appliance.js';
import { enablePlugins, writePlugin } from '../helpers/external-plugins.js';

const TSC_COMMONJS = `"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
const sdk_1 = require("xlive/sdk");
exports.default = (0, sdk_1.definePlugin)({ setup(ctx) { ctx.http.route('GET', '/', (c) => c.text('cjs'), { public: true }); } });
`;

/** What esbuild makes of a plugin that bundled xlive/sdk: the SDK's classes, inlined. */
const INLINED_SDK = `
class XliveError extends Error { constructor(message) { super(message); this.name = new.target.name; } }
class NotFoundError extends XliveError { code = 'NOT_FOUND'; }
export default { setup(ctx) {
  ctx.http.route('GET', '/:name', (c) => { throw new NotFoundError('no greeting for ' + c.req.param('name')); }, { public: true });
} };
`;

async function waitForOutput(app: ApplianceHandle, re: RegExp): Promise<string> {
  for (let i = 0; i < 100; i++) {
    if (re.test(app.output())) return app.output();
    await new Promise((r) => setTimeout(r, 50));
  }
  return app.output();
}

describe('clear errors for the mistakes plugin authors made', () => {
  let dataDir: string;
  let app: ApplianceHandle;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'xlive-author-mistakes-'));
    const ext = join(dataDir, 'plugins');
    const perms = { permissions: ['http', 'http:public'] };
    writePlugin(ext, 'cjs-untyped', perms, TSC_COMMONJS);
    // writePlugin writes "type": "module"; this one has none, as `tsc --init` leaves it.
    writeFileSync(join(ext, 'cjs-untyped', 'package.json'), JSON.stringify({ name: 'p-cjs-untyped', version: '1.0.0', main: 'index.js', xlive: { id: 'cjs-untyped', apiVersion: '^1.0.0', kinds: ['other'], ...perms } }));
    writePlugin(ext, 'cjs-typed', perms, TSC_COMMONJS);
    writePlugin(ext, 'own-sdk', perms, `import { definePlugin } from 'xlive/sdk'; globalThis.ownSdkRan = true; export default definePlugin({ setup() {} });`);
    mkdirSync(join(ext, 'own-sdk', 'node_modules', 'xlive'), { recursive: true });
    writeFileSync(join(ext, 'own-sdk', 'node_modules', 'xlive', 'package.json'), JSON.stringify({ name: 'xlive', version: '0.1.0', type: 'module', exports: { './sdk': './sdk.js' } }));
    writeFileSync(join(ext, 'own-sdk', 'node_modules', 'xlive', 'sdk.js'), 'export const definePlugin = (d) => d;');
    writePlugin(ext, 'inlined', perms, INLINED_SDK);
    writePlugin(ext, 'fine', perms, `import { definePlugin, NotFoundError } from 'xlive/sdk';
      export default definePlugin({ setup(ctx) { ctx.http.route('GET', '/:name', (c) => { throw new NotFoundError('no greeting for ' + c.req.param('name')); }, { public: true }); } });`);
    await enablePlugins(dataDir, ['cjs-untyped', 'cjs-typed', 'own-sdk', 'inlined', 'fine']);
    app = await startAppliance({ dataDir, env: { XLIVE_LOG_LEVEL: 'info' } });
  });
  after(async () => {
    await app?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('CommonJS output without "type": "module": PLUGIN_MODULE_FORMAT saying to set it', async () => {
    const out = await waitForOutput(app, /plugin cjs-untyped failed/);
    assert.match(out, /plugin cjs-untyped failed: PLUGIN_MODULE_FORMAT: plugin cjs-untyped: .*no "type": "module".*set "type": "module" in its package\.json and compile with "module": "NodeNext"/);
    assert.notEqual((await fetch(`${app.httpUrl}/plugins/cjs-untyped/`)).status, 200);
  });

  it('CommonJS output under "type": "module": PLUGIN_MODULE_FORMAT saying to compile as ES modules', async () => {
    const out = await waitForOutput(app, /plugin cjs-typed failed/);
    assert.match(out, /plugin cjs-typed failed: PLUGIN_MODULE_FORMAT: plugin cjs-typed: cannot import .*index\.js: .*is CommonJS output \(exports\/require\) although package\.json says "type": "module"/);
  });

  it('a copy of the SDK inside the plugin: PLUGIN_SDK_BUNDLED, and its code never ran', async () => {
    const out = await waitForOutput(app, /plugin own-sdk failed/);
    assert.match(out, /plugin own-sdk failed: PLUGIN_SDK_BUNDLED: plugin own-sdk: it ships its own copy of the SDK \(node_modules\/xlive\).*"devDependencies" only/);
  });

  it('an inlined SDK: its NotFoundError answers 500 (not the box\'s class) and the log says why; the real SDK\'s answers 404', async () => {
    const inlined = await fetch(`${app.httpUrl}/plugins/inlined/ada`);
    assert.equal(inlined.status, 500);
    await inlined.body?.cancel();
    const out = await waitForOutput(app, /second copy of the SDK/);
    assert.match(out, /GET \/plugins\/inlined\/ada: NotFoundError \(NOT_FOUND\) is an xlive error from a second copy of the SDK, not the box's: it answers 500/);
    const fine = await fetch(`${app.httpUrl}/plugins/fine/ada`);
    assert.equal(fine.status, 404);
    assert.equal(((await fine.json()) as { code: string }).code, 'NOT_FOUND');
  });

  it('the box keeps serving', async () => {
    assert.equal((await fetch(`${app.httpUrl}/healthz`)).status, 200);
  });
});
