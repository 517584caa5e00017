import { createReadStream, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../../core/config/config-loader.js';
import { UpdateUnsupportedError, ValidationError } from '../../core/errors/xlive-error.js';
import { run } from '../update/deb-tools.js';
import { UpdateJournal } from '../update/update-journal.js';
import { journalFileOf, spoolDirOf } from '../update/update-paths.js';
import { UpdateSpool } from '../update/update-spool.js';
import { parseCommandArgs, type CliIo } from './cli-args.js';

export const UPDATE_USAGE = `usage: xlive update FILE.deb [--no-wait] [--wait-seconds N]
  install a new version (as root, on a box installed from the package); it rolls back by itself if the
  new version does not become ready. --no-wait: only queue it; --wait-seconds: how long to follow it (900)
`;

/**
 * `xlive update FILE.deb [--no-wait] [--wait-seconds N]` (as root, on the box): queue the package for
 * the root updater (the same spool the API uses), start xlive-update.service, and print its steps
 * until the update succeeded, was refused or rolled back. Exit 0 only when it succeeded.
 */
export async function updateCommand(args: string[], io: CliIo): Promise<number> {
  const a = parseCommandArgs(args, io, UPDATE_USAGE, { 'no-wait': { type: 'boolean', default: false }, 'wait-seconds': { type: 'string', default: '900' } }, { min: 1, max: 1 });
  if (!a) return 0;
  const { values } = a;
  const file = a.positionals[0]!;
  const waitSeconds = Number(values['wait-seconds']);
  if (!Number.isInteger(waitSeconds) || waitSeconds < 1) throw new ValidationError(`--wait-seconds ${values['wait-seconds']} is not a positive integer`);
  const path = resolve(io.cwd, file);
  if (!existsSync(path)) throw new ValidationError(`no file ${path}`);

  const config = loadConfig({ cwd: io.cwd, env: io.env }).values;
  const stateDir = config.update.stateDir;
  if (!stateDir || !existsSync(stateDir)) {
    throw new UpdateUnsupportedError('this box was not installed from the xlive Debian package (update.stateDir is not set or missing): install a .deb with "apt install ./FILE.deb" instead');
  }
  if (!existsSync('/run/systemd/system')) {
    throw new UpdateUnsupportedError('updates run in xlive-update.service and need systemd; without it, stop xlive and run "dpkg -i FILE.deb"');
  }
  const spool = new UpdateSpool(spoolDirOf(config.dataDir));
  const req = await spool.submit(createReadStream(path), { by: 'console', source: 'console' }, config.update.maxUploadBytes);
  io.out.write(`update ${req.id}: ${path} queued (${req.bytes} bytes, sha256 ${req.sha256})\n`);
  // The path unit starts the updater too; starting it here makes the console independent of it.
  const started = await run('systemctl', ['start', '--no-block', 'xlive-update.service']);
  if (started.code !== 0) io.err.write(`xlive: systemctl start xlive-update.service: ${started.stderr.trim()}\n`);
  if (values['no-wait']) {
    io.out.write(`follow it: journalctl -u xlive-update -f, or GET /api/v1/updates/${req.id}\n`);
    return 0;
  }
  const journal = new UpdateJournal(journalFileOf(stateDir));
  const deadline = Date.now() + waitSeconds * 1000;
  let printed = 0;
  while (Date.now() < deadline) {
    const steps = journal.stepsOf(req.id);
    for (const s of steps.slice(printed)) io.out.write(`  ${s.at} ${s.step}: ${s.message}\n`);
    printed = steps.length;
    const last = steps.at(-1);
    if (last && ['refused', 'succeeded', 'rolled-back', 'rollback-failed'].includes(last.step)) return last.step === 'succeeded' ? 0 : 1;
    await new Promise((r) => setTimeout(r, 1000));
  }
  io.err.write(`xlive: no result within ${waitSeconds} s; the updater goes on (journalctl -u xlive-update -f)\n`);
  return 1;
}
