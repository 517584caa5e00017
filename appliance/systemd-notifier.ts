import { execFile } from 'node:child_process';
import type { Logger } from '../core/logging/logger.js';

/**
 * sd_notify without a native addon: Node has no unix datagram sockets, so this runs `systemd-notify`
 * (the unit sets NotifyAccess=all). Does nothing when NOTIFY_SOCKET is unset. The watchdog is pinged
 * from the event loop, so a stuck loop stops the pings and systemd restarts the service.
 */
export class SystemdNotifier {
  private watchdog: NodeJS.Timeout | undefined;

  constructor(
    private readonly env: Record<string, string | undefined>,
    private readonly log: Logger,
  ) {}

  get enabled(): boolean {
    return Boolean(this.env['NOTIFY_SOCKET']);
  }

  ready(): void {
    if (!this.enabled) return;
    this.send(['--ready', `--pid=${process.pid}`, 'STATUS=serving']);
    const usec = Number(this.env['WATCHDOG_USEC']);
    if (Number.isFinite(usec) && usec > 0) {
      const every = Math.max(1000, Math.floor(usec / 1000 / 2));
      this.watchdog = setInterval(() => this.send([`--pid=${process.pid}`, 'WATCHDOG=1']), every);
      this.watchdog.unref();
    }
  }

  /** An in-place restart: this notifier's pings end (the next box's notifier starts its own at ready). */
  restarting(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
    if (this.enabled) this.send([`--pid=${process.pid}`, 'STATUS=restarting']);
  }

  stopping(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
    if (this.enabled) this.send([`--pid=${process.pid}`, 'STOPPING=1']);
  }

  private send(args: string[]): void {
    execFile('systemd-notify', args, { timeout: 5000 }, (err) => {
      if (err) this.log.warn(`systemd-notify ${args.join(' ')} failed: ${err.message}`);
    });
  }
}
