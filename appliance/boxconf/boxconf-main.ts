/**
 * xlive-boxconf.service (root, oneshot; started by xlive-boxconf.path when the service queues a change
 * of hostname, time zone or Wi-Fi): applies each queued request with xlive-provision and writes the
 * result the service reads. See docs/appliance.md, "Box settings: name, network, time".
 *
 * Environment (set by the unit; tests set the last two):
 *   XLIVE_CONFIG_DIR, XLIVE_DATA_DIR   where the config and the service's spool are
 *   XLIVE_PROVISION                     the script (default /usr/lib/xlive/libexec/xlive-provision)
 *   XLIVE_BOXCONF_ROOT                  apply to this directory instead of / (no hostname/systemctl calls)
 */
import { chmodSync, chownSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../core/config/config-loader.js';
import { describeError } from '../../core/errors/xlive-error.js';
import { SinkLogger, streamSink } from '../../core/logging/logger.js';
import { run, serviceGid } from '../update/deb-tools.js';
import { BoxconfApplier, type LiveActions } from './boxconf-applier.js';
import { BoxconfResultFile, resultFileOf } from './boxconf-result.js';
import { BoxconfSpool, boxconfSpoolDirOf } from './boxconf-spool.js';

const DEFAULT_PROVISION = '/usr/lib/xlive/libexec/xlive-provision';

async function main(): Promise<number> {
  const config = loadConfig({ cwd: '/', env: process.env }).values;
  const log = new SinkLogger(streamSink(config.log.format), config.log.level).child('boxconf');
  const stateDir = config.box.stateDir;
  if (!stateDir) {
    log.error('box.stateDir is not set: this box does not change its system settings');
    return 1;
  }
  const root = resolve(process.env['XLIVE_BOXCONF_ROOT'] || '/');
  const provision = process.env['XLIVE_PROVISION'] || DEFAULT_PROVISION;
  const gid = await serviceGid();
  mkdirSync(stateDir, { recursive: true });
  if (process.getuid?.() === 0) chownSync(stateDir, 0, gid ?? 0);
  chmodSync(stateDir, 0o750);
  const workDir = join(stateDir, 'work');
  mkdirSync(workDir, { recursive: true, mode: 0o700 });
  chmodSync(workDir, 0o700);
  const results = new BoxconfResultFile(resultFileOf(stateDir), process.getuid?.() === 0 ? gid : undefined);

  const applier = new BoxconfApplier({
    spool: new BoxconfSpool(boxconfSpoolDirOf(config.dataDir)),
    results,
    workDir,
    root,
    provision,
    run: (cmd, args) => run(cmd, args, { timeoutMs: 60_000, env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' } }),
    ...(root === '/' && { live: systemActions() }),
    log,
    unavailable: unavailable(provision),
  });
  const done = await applier.runPending();
  return done.some((r) => r.state === 'failed' || r.state === 'refused') ? 1 : 0;
}

/** xlive-provision needs jq (and wpa_passphrase for Wi-Fi, which it reports itself). */
function unavailable(provision: string): string | undefined {
  if (!existsSync(provision)) return `${provision} is missing: reinstall the xlive package`;
  const path = ['/usr/local/bin', '/usr/bin', '/bin'];
  if (!path.some((d) => existsSync(join(d, 'jq')))) return 'jq is not installed (apt-get install jq): the helper needs it to read the request';
  return undefined;
}

/** After the files changed: avahi announces the new name, wpa_supplicant re-reads its network. */
function systemActions(): LiveActions {
  const systemctl = async (...args: string[]) => {
    const r = await run('systemctl', args, { timeoutMs: 30_000 });
    if (r.code !== 0) throw new Error(`systemctl ${args.join(' ')}: ${r.stderr.trim().split('\n').at(-1) ?? r.code}`);
  };
  return {
    hostnameChanged: () => systemctl('try-restart', '--no-block', 'avahi-daemon.service'),
    wifiChanged: () => systemctl('restart', '--no-block', 'wpa_supplicant@wlan0.service'),
    wifiForgotten: () => systemctl('stop', '--no-block', 'wpa_supplicant@wlan0.service'),
    reboot: () => systemctl('reboot', '--no-block'),
  };
}

try {
  process.exitCode = await main();
} catch (err) {
  process.stderr.write(`xlive-boxconf: ${describeError(err)}\n`);
  process.exitCode = 1;
}
