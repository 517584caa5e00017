// First-run set-up for `npm start`: install npm packages if missing, build if dist/ is missing or stale.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const run = (cmd) => execSync(cmd, { cwd: root, stdio: 'inherit' });

if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  console.log('xlive: installing npm packages (first run)…');
  run('npm ci --no-audit --no-fund');
}

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : /\.(ts|json)$/.test(e.name) ? statSync(p).mtimeMs : 0);
  }
  return t;
}
const stamp = join(root, 'dist', 'appliance', 'cli', 'main.js');
const sources = ['core', 'plugins', 'appliance', 'examples'].filter((d) => existsSync(join(root, d)));
const srcTime = Math.max(...sources.map((d) => newest(join(root, d))), statSync(join(root, 'tsconfig.json')).mtimeMs);
if (!existsSync(stamp) || statSync(stamp).mtimeMs < srcTime) {
  console.log('xlive: building…');
  run('npm run build');
}
