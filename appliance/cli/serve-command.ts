import { describeError } from '../../core/errors/xlive-error.js';
import { composeAppliance } from '../composition-root.js';
import type { CliIo } from './run-cli.js';

/**
 * Run until SIGTERM/SIGINT, then stop everything in reverse order within the shutdown deadline and exit 0.
 * An uncaught error is logged with its stack and exits non-zero (systemd restarts the service).
 */
export async function serveCommand(io: CliIo): Promise<number> {
  const { appliance, log, config } = composeAppliance({ cwd: io.cwd, env: io.env });
  const shutdownMs = config.values.shutdownTimeoutMs;
  const fatal = (what: string) => (err: unknown) => {
    log.error(`${what}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(70);
  };
  process.on('uncaughtException', fatal('uncaught exception'));
  process.on('unhandledRejection', fatal('unhandled promise rejection'));

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
