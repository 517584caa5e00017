/** The box's event log: a bounded timeline in SQLite (stream started/stopped, viewer dropped, …). */
export type EventSeverity = 'info' | 'warn' | 'error';

export interface BoxEvent {
  id: number;
  /** ISO time. */
  time: string;
  /** Dotted type: `stream.started`, `stream.stopped`, `viewer.dropped`, `publish.refused`, `recording.paused`, `plugin.failed`, `health.changed`, … */
  type: string;
  severity: EventSeverity;
  /** Who recorded it: `core` or a plugin id. */
  source: string;
  /** The stream path it concerns, if any. */
  stream: string | null;
  message: string;
  data: Record<string, unknown>;
}

export interface EventInit {
  type: string;
  severity?: EventSeverity;
  stream?: string;
  message: string;
  data?: Record<string, unknown>;
}

export interface EventFilter {
  type?: string;
  /** Only events of at least this severity (`warn`: warnings and errors). */
  minSeverity?: EventSeverity;
  /** Only events about this stream path. */
  stream?: string;
  /**
   * Only events with id greater than this (a cursor), OLDEST FIRST, so consecutive calls with the
   * last id seen never skip an event; without it the newest come first …
   */
  afterId?: number;
  /** … only events with id smaller than this (paging back through the newest-first list) … */
  beforeId?: number;
  /** … or newer than this ISO time. */
  since?: string;
  limit?: number;
}

export interface EventsApi {
  /** Record an event (needs the `events:write` permission). */
  record(event: EventInit): void;
  list(filter?: EventFilter): BoxEvent[];
  /** Called after each recorded event; returns an unsubscribe function (removed when the plugin stops). */
  onEvent(listener: (event: BoxEvent) => void): () => void;
}
