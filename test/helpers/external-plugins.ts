/**
 * Third-party plugins for end-to-end tests: written into `<dataDir>/plugins` (the default plugins
 * directory) and enabled with consent through the real console (`xlive plugins enable`).
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './appliance.js';

/** Write `<root>/<id>/package.json` (an `xlive` section merged over sane defaults) and `index.js`. */
export function writePlugin(root: string, id: string, xlive: Record<string, unknown>, code: string, version = '1.0.0'): void {
  const dir = join(root, id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `p-${id}`, version, type: 'module', main: 'index.js', xlive: { id, apiVersion: '^1.0.0', kinds: ['other'], ...xlive } }));
  writeFileSync(join(dir, 'index.js'), code);
}

/** `xlive plugins enable <ids…>` on the console of `dataDir` (consents to what they declare); returns its output. */
export async function enablePlugins(dataDir: string, ids: readonly string[], env: Record<string, string> = {}): Promise<string> {
  const r = await runCli(['plugins', 'enable', ...ids], { XLIVE_DATA_DIR: dataDir, XLIVE_LOG_LEVEL: 'warn', ...env }, dataDir);
  assert.equal(r.code, 0, `plugins enable ${ids.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
