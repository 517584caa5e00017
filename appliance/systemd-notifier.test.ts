/**
 * SystemdNotifier against a fake `systemd-notify` on PATH (a shell script that logs its arguments and
 * the NOTIFY_SOCKET it sees) and a fake NOTIFY_SOCKET path: READY with the main pid, watchdog pings
 * at half of WATCHDOG_USEC, STOPPING, nothing at all without NOTIFY_SOCKET, and failures only logged.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SinkLogger, type LogRecord } from '../core/logging/logger.js';
import { SystemdNotifier } from './systemd-notifier.js';

describe('SystemdNotifier', () => {
  let dir: string;
  let logFile: string;
  const saved = { PATH: process.env['PATH'], NOTIFY_SOCKET: process.env['NOTIFY_SOCKET'] };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'xlive-sdnotify-'));
    logFile = join(dir, 'calls.log');
    const script = join(dir, 'systemd-notify');
    // Fails on demand (FAKE_NOTIFY_FAIL file present), otherwise logs "<NOTIFY_SOCKET>|<args>".
    writeFileSync(script, `#!/bin/sh\nif [ -f "${dir}/fail" ]; then echo "no socket" >&2; exit 1; fi\necho "$NOTIFY_SOCKET|$*" >> "${logFile}"\n`);
    chmodSync(script, 0o755);
    process.env['PATH'] = `${dir}:${saved.PATH ?? '/usr/bin:/bin'}`;
  });

  after(() => {
    process.env['PATH'] = saved.PATH;
    if (saved.NOTIFY_SOCKET === undefined) delete process.env['NOTIFY_SOCKET'];
    else process.env['NOTIFY_SOCKET'] = saved.NOTIFY_SOCKET;
    rmSync(dir, { recursive: true, force: true });
  });

  const calls = (): string[] => (existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n').filter(Boolean) : []);
  const logger = () => {
    const records: LogRecord[] = [];
    return { records, log: new SinkLogger((r) => records.push(r), 'debug') };
  };
  async function until(cond: () => boolean, ms = 3000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`timed out; calls: ${JSON.stringify(calls())}`);
      await sleep(20);
    }
  }

  it('does nothing when NOTIFY_SOCKET is unset', async () => {
    rmSync(logFile, { force: true });
    const n = new SystemdNotifier({ PATH: process.env['PATH'], WATCHDOG_USEC: '2000000' }, logger().log);
    assert.equal(n.enabled, false);
    n.ready();
    n.stopping();
    await sleep(300);
    assert.deepEqual(calls(), []);
  });

  it('sends READY with the main pid, pings the watchdog at half its period, then STOPPING', async () => {
    rmSync(logFile, { force: true });
    const socket = join(dir, 'notify.sock');
    process.env['NOTIFY_SOCKET'] = socket;
    const { log, records } = logger();
    const n = new SystemdNotifier({ ...process.env, NOTIFY_SOCKET: socket, WATCHDOG_USEC: '2000000' }, log);
    assert.equal(n.enabled, true);
    const t0 = Date.now();
    n.ready();
    await until(() => calls().length >= 1);
    assert.equal(calls()[0], `${socket}|--ready --pid=${process.pid} STATUS=serving`);
    // WATCHDOG_USEC=2 s: a ping every second.
    await until(() => calls().filter((c) => c.endsWith('WATCHDOG=1')).length >= 2, 8000);
    const elapsed = Date.now() - t0;
    assert.ok(elapsed >= 1900, `two pings took ${elapsed} ms`);
    assert.ok(calls().filter((c) => c.endsWith('WATCHDOG=1')).every((c) => c === `${socket}|--pid=${process.pid} WATCHDOG=1`));
    n.stopping();
    await until(() => calls().some((c) => c.endsWith('STOPPING=1')));
    const count = calls().length;
    await sleep(1300);
    assert.equal(calls().length, count, 'no watchdog ping after stopping');
    assert.deepEqual(records.filter((r) => r.level === 'warn'), []);
  });

  it('without WATCHDOG_USEC sends READY only', async () => {
    rmSync(logFile, { force: true });
    const n = new SystemdNotifier({ NOTIFY_SOCKET: join(dir, 'notify.sock') }, logger().log);
    n.ready();
    await until(() => calls().length >= 1);
    await sleep(1200);
    assert.equal(calls().length, 1);
    n.stopping();
  });

  it('logs a failing systemd-notify and carries on', async () => {
    writeFileSync(join(dir, 'fail'), '');
    try {
      const { log, records } = logger();
      const n = new SystemdNotifier({ NOTIFY_SOCKET: join(dir, 'notify.sock') }, log);
      assert.doesNotThrow(() => n.ready());
      await until(() => records.some((r) => r.level === 'warn'));
      assert.match(records.find((r) => r.level === 'warn')!.msg, /systemd-notify --ready .* failed/);
      n.stopping();
    } finally {
      rmSync(join(dir, 'fail'));
    }
  });
});
