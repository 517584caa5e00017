import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { NotFoundError, XliveError } from '../errors/xlive-error.js';
import { bundledSdkProblem, foreignSdkErrorHint, looksLikeCommonJsDefault, moduleFormatProblem } from './plugin-load-checks.js';

const root = mkdtempSync(join(tmpdir(), 'xlive-load-checks-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** What `tsc --module commonjs` writes for `export default definePlugin({ setup() {} })`. */
const TSC_COMMONJS = `"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
const sdk_1 = require("xlive/sdk");
exports.default = (0, sdk_1.definePlugin)({ setup(ctx) { } });
`;

function plugin(name: string, pkg: Record<string, unknown>, main: string, code: string): { dir: string; main: string } {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, main, ...pkg }));
  writeFileSync(join(dir, main), code);
  return { dir, main: join(dir, main) };
}

describe('moduleFormatProblem: CommonJS output, said in words', () => {
  it('a package without "type": "module" holding tsc CommonJS output: says to set it', () => {
    const p = plugin('cjs', {}, 'index.js', TSC_COMMONJS);
    assert.match(moduleFormatProblem(p.dir, p.main)!, /no "type": "module", so Node loads .*index\.js as CommonJS \(and it is CommonJS output\); .*set "type": "module" in its package\.json and compile with "module": "NodeNext"/);
  });
  it('"type": "module" but CommonJS output: says to compile as ES modules', () => {
    const p = plugin('cjs-typed', { type: 'module' }, 'index.js', TSC_COMMONJS);
    assert.match(moduleFormatProblem(p.dir, p.main)!, /is CommonJS output \(exports\/require\) although package\.json says "type": "module"; compile with "module": "NodeNext"/);
  });
  it('a .cjs main: says so', () => {
    const p = plugin('dot-cjs', { type: 'module' }, 'index.cjs', 'module.exports = {};');
    assert.match(moduleFormatProblem(p.dir, p.main)!, /is CommonJS \(\.cjs\)/);
  });
  it('an ES module (with "type": "module", or .mjs) is fine', () => {
    const esm = plugin('esm', { type: 'module' }, 'index.js', 'import { definePlugin } from "xlive/sdk";\nexport default definePlugin({ setup() {} });\n');
    assert.equal(moduleFormatProblem(esm.dir, esm.main), undefined);
    const mjs = plugin('mjs', {}, 'index.mjs', 'export default { setup() {} };');
    assert.equal(moduleFormatProblem(mjs.dir, mjs.main), undefined);
  });
  it('recognises the default export an ES import gets from CommonJS output', () => {
    assert.equal(looksLikeCommonJsDefault({ __esModule: true, default: { setup() {} } }), true);
    assert.equal(looksLikeCommonJsDefault({ default: { setup() {} } }), true);
    assert.equal(looksLikeCommonJsDefault({ setup() {} }), false);
    assert.equal(looksLikeCommonJsDefault(undefined), false);
  });
});

describe('bundledSdkProblem: a plugin that ships its own xlive', () => {
  it('a copy in node_modules/xlive is named, with the fix', () => {
    const dir = join(root, 'own-sdk');
    mkdirSync(join(dir, 'node_modules', 'xlive'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', 'xlive', 'package.json'), '{"name":"xlive"}');
    assert.match(bundledSdkProblem(dir, join(root, 'box'))!, /ships its own copy of the SDK \(node_modules\/xlive\): .*404s .* would answer 500\. Depend on xlive in "devDependencies" only/);
  });
  it('a link to the box\'s own package (npm link) is the same module: fine; no node_modules: fine', () => {
    const box = join(root, 'box');
    mkdirSync(box, { recursive: true });
    writeFileSync(join(box, 'package.json'), '{"name":"xlive"}');
    const dir = join(root, 'linked');
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    symlinkSync(box, join(dir, 'node_modules', 'xlive'), 'dir');
    assert.equal(bundledSdkProblem(dir, box), undefined);
    assert.equal(bundledSdkProblem(join(root, 'esm'), box), undefined);
  });
});

describe('foreignSdkErrorHint: an xlive error from a second copy of the SDK', () => {
  it('names the error and the cause for one whose class chain has another XliveError', () => {
    // What a bundler that inlined the SDK into a plugin makes: the same class names, other classes.
    abstract class OtherXliveError extends Error {
      abstract readonly code: string;
    }
    Object.defineProperty(OtherXliveError, 'name', { value: 'XliveError' });
    class OtherNotFound extends OtherXliveError {
      readonly code = 'NOT_FOUND';
    }
    Object.defineProperty(OtherNotFound, 'name', { value: 'NotFoundError' });
    const err = new OtherNotFound('no such greeting');
    err.name = 'NotFoundError';
    assert.match(foreignSdkErrorHint(err, XliveError)!, /NotFoundError \(NOT_FOUND\) is an xlive error from a second copy of the SDK, not the box's: it answers 500/);
  });
  it('says nothing for the box\'s own errors and for plain errors', () => {
    assert.equal(foreignSdkErrorHint(new NotFoundError('x'), XliveError), undefined);
    assert.equal(foreignSdkErrorHint(new TypeError('x'), XliveError), undefined);
    assert.equal(foreignSdkErrorHint('boom', XliveError), undefined);
  });
});
