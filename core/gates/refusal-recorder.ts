import type { Logger } from '../logging/logger.js';
import type { EventInit } from '../sdk/events.js';
import { maskStreamPath } from '../sdk/redact.js';
import type { GateAction, GateOutcome, GateRequest } from '../sdk/gates.js';

export interface RefusalRecorderOptions {
  record(event: EventInit): void;
  log: Pick<Logger, 'warn'>;
  /** Events recorded per action within `windowMs`; more refusals are only counted (and logged once). */
  maxPerWindow?: number;
  windowMs?: number;
  now?: () => number;
}

/**
 * Refused publishes and plays as `stream.publish.refused` / `stream.play.refused` events (naming the
 * gate and its reason) and log lines. Bounded: a flood of refused players cannot fill the timeline —
 * beyond `maxPerWindow` per action and window, refusals are counted and the next recorded event says
 * how many were left out.
 */
export class RefusalRecorder {
  private readonly windows = new Map<GateAction, { start: number; count: number; suppressed: number }>();
  private readonly max: number;
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(private readonly o: RefusalRecorderOptions) {
    this.max = o.maxPerWindow ?? 30;
    this.windowMs = o.windowMs ?? 10_000;
    this.now = o.now ?? Date.now;
  }

  refused(req: GateRequest, outcome: Extract<GateOutcome, { allow: false }>): void {
    const shown = maskStreamPath(req.path);
    const line = `${req.action} of ${shown} over ${req.protocol} from ${req.ip} refused by ${outcome.gate}: ${outcome.reason}`;
    const w = this.window(req.action);
    if (w.count >= this.max) {
      if (w.suppressed++ === 0) this.o.log.warn(`${line} (further ${req.action} refusals in this ${this.windowMs / 1000} s window are only counted)`);
      return;
    }
    w.count++;
    this.o.log.warn(line);
    const suppressed = w.suppressed;
    w.suppressed = 0;
    this.o.record({
      type: `stream.${req.action}.refused`,
      severity: 'warn',
      // A name that may be a key is shown as its fingerprint only; then the event names no stream.
      ...(shown.includes('key#') ? {} : { stream: shown }),
      message: line,
      data: { gate: outcome.gate, reason: outcome.reason, refusal: outcome.code, protocol: req.protocol, ip: req.ip, path: shown, ...(suppressed > 0 && { notRecordedBefore: suppressed }) },
    });
  }

  private window(action: GateAction): { start: number; count: number; suppressed: number } {
    const t = this.now();
    let w = this.windows.get(action);
    if (!w || t - w.start >= this.windowMs) {
      const carried = w?.suppressed ?? 0;
      w = { start: t, count: 0, suppressed: carried };
      this.windows.set(action, w);
    }
    return w;
  }
}
