// `npm test`: does all set-up a fresh Debian machine needs (npm packages; ffmpeg, chromium, systemd, python3 from apt
// when missing and we are root), builds, then runs every test file with Node's built-in runner.
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const run = (cmd) => execSync(cmd, { cwd: root, stdio: 'inherit' });
const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;

// systemd-analyze/-sysusers/-tmpfiles and python3: test/e2e/systemd-unit.test.ts (systemd need not be PID 1).
// jq and wpa_passphrase: the box-settings helper runs the real xlive-provision (appliance/boxconf/boxconf.test.ts).
const missing = [['ffmpeg', 'ffmpeg'], ['ffprobe', 'ffmpeg'], ['chromium', 'chromium'], ['systemd-analyze', 'systemd'], ['systemd-sysusers', 'systemd'], ['systemd-tmpfiles', 'systemd'], ['python3', 'python3'], ['jq', 'jq'], ['wpa_passphrase', 'wpasupplicant']].filter(([bin]) => !has(bin)).map(([, pkg]) => pkg);
if (missing.length > 0) {
  if (process.getuid?.() === 0 && has('apt-get')) {
    console.log(`xlive tests: installing ${[...new Set(missing)].join(' ')} from apt…`);
    run('apt-get update -qq');
    run(`DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${[...new Set(missing)].join(' ')}`);
  } else {
    console.error(`xlive tests: please install ${[...new Set(missing)].join(' ')} (sudo apt-get install ${[...new Set(missing)].join(' ')})`);
    process.exit(1);
  }
}
if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) run('npm ci --no-audit --no-fund');
run('npm run build');

function find(dir, out) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) find(p, out);
    else if (e.name.endsWith('.test.js')) out.push(p);
  }
  return out;
}
const filter = process.argv[2];
const files = find(join(root, 'dist'), [])
  .map((f) => relative(root, f))
  .filter((f) => !filter || f.includes(filter))
  .sort();
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=180000', ...files], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
