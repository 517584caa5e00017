import { describeError } from '../../core/errors/xlive-error.js';
import { TOKENS } from '../../core/container/tokens.js';
import type { EventLog } from '../../core/events/event-log.js';
import type { LogRing } from '../../core/logging/log-ring.js';
import { composeAppliance } from '../composition-root.js';
import { RestartControl, type RestartRequest } from '../system/restart-control.js';
import { removeStaleWorkDirs } from '../system/stale-work-dirs.js';
import type { CliIo } from './cli-args.js';

export const SERVE_USAGE = `usage: xlive serve
  run the appliance until SIGTERM/SIGINT (configured by files and XLIVE_* environment variables)
`;

/**
 * Run until SIGTERM/SIGINT, then stop everything in reverse order within the shutdown deadline and exit 0.
 * An unhandled rejection is logged and counted and never ends the process; an uncaught exception is
 * charged to the plugin whose code threw it when its stack says so, and otherwise exits 70 (state
 * unknown; systemd restarts the service). See ProcessFaultHandlers.
 *
 * `POST /api/v1/system/restart` (and a restore) restarts the box IN PLACE: stop everything, build a
 * fresh composition root, start it — same PID, so npm start, the tests and systemd behave the same.
 * The HTTP port is kept when it was chosen by the system (port 0), so clients find the box again.
 */
export async function serveCommand(io: CliIo): Promise<number> {
  const restarts = new RestartControl();
  let signalled: (signal: string) => void = () => undefined;
  const signal = new Promise<string>((resolve) => (signalled = resolve));
  const onTerm = () => signalled('SIGTERM');
  const onInt = () => signalled('SIGINT');
  process.once('SIGTERM', onTerm);
  process.once('SIGINT', onInt);

  let env = io.env;
  let logRing: LogRing | undefined;
  let announce: RestartRequest['announce'];
  for (;;) {
    const { appliance, log, config, processFaults, container } = composeAppliance({ cwd: io.cwd, env, restarts, ...(logRing && { logRing }) });
    logRing = container.resolve<LogRing>('LogRing');
    const shutdownMs = config.values.shutdownTimeoutMs;
    const uninstall = processFaults.install(process);
    for (const dir of removeStaleWorkDirs(config.values.dataDir)) log.info(`removed ${dir}, left by an interrupted backup or restore`);
    await appliance.start();
    if (announce) container.resolve<EventLog>(TOKENS.EventLog).record('core', announce);
    restarts.done();

    const next = await Promise.race([signal.then((s) => ({ signal: s })), restarts.next().then((r) => ({ restart: r }))]);
    const timer = setTimeout(() => {
      log.error(`shutdown took longer than ${shutdownMs} ms; exiting anyway`);
      process.exit(1);
    }, shutdownMs);
    timer.unref();
    if ('signal' in next) {
      log.info(`${next.signal} received, shutting down`);
      try {
        await appliance.stop();
      } catch (err) {
        log.error(`shutdown failed: ${describeError(err)}`);
        return 1;
      } finally {
        clearTimeout(timer);
        uninstall();
      }
      log.info('stopped');
      return 0;
    }
    const r = next.restart;
    log.warn(`restarting (${r.reason}, asked by ${r.actor})`);
    const httpPort = appliance.httpPort;
    await appliance.stop({ restart: true });
    clearTimeout(timer);
    uninstall();
    announce = r.announce;
    try {
      await r.whileStopped?.();
    } catch (err) {
      // Start anyway (the box is more use running than not); the event says what happened.
      log.error(`restart: the work between stop and start failed: ${describeError(err)}`);
      announce = { type: 'system.restart-failed', severity: 'error', message: `${r.reason} failed while the box was stopped: ${describeError(err)}`, data: { actor: r.actor, reason: r.reason } };
    }
    if (config.values.http.port === 0 && httpPort) env = { ...env, XLIVE_HTTP_PORT: String(httpPort) };
  }
}
