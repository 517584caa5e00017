import { describeError } from '../../core/errors/xlive-error.js';
import { composeAppliance } from '../composition-root.js';
import type { CliIo } from './run-cli.js';

/**
 * Run until SIGTERM/SIGINT, then stop everything in reverse order within the shutdown deadline and exit 0.
 * An unhandled rejection is logged and counted and never ends the process; an uncaught exception is
 * charged to the plugin whose code threw it when its stack says so, and otherwise exits 70 (state
 * unknown; systemd restarts the service). See ProcessFaultHandlers.
 */
export async function serveCommand(io: CliIo): Promise<number> {
  const { appliance, log, config, processFaults } = composeAppliance({ cwd: io.cwd, env: io.env });
  const shutdownMs = config.values.shutdownTimeoutMs;
  processFaults.install(process);

  await appliance.start();
  return await new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info(`${signal} received, shutting down`);
      const timer = setTimeout(() => {
        log.error(`shutdown took longer than ${shutdownMs} ms; exiting anyway`);
        process.exit(1);
      }, shutdownMs);
      timer.unref();
      appliance.stop().then(
        () => {
          clearTimeout(timer);
          log.info('stopped');
          resolve(0);
        },
        (err: unknown) => {
          log.error(`shutdown failed: ${describeError(err)}`);
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
