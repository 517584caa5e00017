import type { Logger } from '../logging/logger.js';
import type { BoxEvent, EventFilter, EventInit } from '../sdk/events.js';
import type { EventRepository } from '../store/event-repository.js';

const MAX_MESSAGE = 500;
const MAX_DATA_BYTES = 8 * 1024;

/**
 * The box's timeline: events appended to SQLite, trimmed to `maxEvents` (checked every 100 appends so
 * trimming costs nothing per event), and handed to listeners (the panel, webhooks).
 */
export class EventLog {
  private readonly listeners = new Set<(e: BoxEvent) => void>();
  private sinceTrim = 0;

  constructor(
    private readonly repo: EventRepository,
    private readonly maxEvents: number,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.repo.trimTo(this.maxEvents);
  }

  record(source: string, init: EventInit): BoxEvent | undefined {
    let data = init.data ?? {};
    if (JSON.stringify(data).length > MAX_DATA_BYTES) data = { truncated: true };
    const event: Omit<BoxEvent, 'id'> = {
      time: this.now().toISOString(),
      type: init.type.slice(0, 64),
      severity: init.severity ?? 'info',
      source,
      stream: init.stream ?? null,
      message: init.message.slice(0, MAX_MESSAGE),
      data,
    };
    let id: number;
    try {
      id = this.repo.append(event);
    } catch (err) {
      this.log.warn(`event ${event.type} not recorded: ${(err as Error).message}`);
      return undefined;
    }
    if (++this.sinceTrim >= 100) {
      this.sinceTrim = 0;
      this.repo.trimTo(this.maxEvents);
    }
    const full = { ...event, id };
    for (const l of this.listeners) {
      try {
        l(full);
      } catch (err) {
        this.log.warn(`event listener failed: ${(err as Error).message}`);
      }
    }
    return full;
  }

  list(filter?: EventFilter): BoxEvent[] {
    return this.repo.list(filter);
  }

  onEvent(listener: (e: BoxEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
