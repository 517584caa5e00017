import type { StreamEvent } from '../sdk/streams.js';
import type { EventLog } from './event-log.js';

/** Hub events worth a line in the box's timeline: streams starting and stopping, viewers dropped. */
export function bridgeStreamEvents(onEvent: (l: (e: StreamEvent) => void) => () => void, events: Pick<EventLog, 'record'>): () => void {
  return onEvent((e) => {
    switch (e.type) {
      case 'published':
        events.record('core', { type: 'stream.started', stream: e.path, message: `${e.path} started (${e.protocol}${e.remote ? ` from ${e.remote}` : ''})`, data: { sessionId: e.sessionId, protocol: e.protocol, remote: e.remote } });
        break;
      case 'unpublished':
        events.record('core', { type: 'stream.stopped', stream: e.path, message: `${e.path} stopped: ${e.reason}`, data: { sessionId: e.sessionId, reason: e.reason } });
        break;
      case 'reader-removed':
        if (e.reason === 'slow-reader') {
          events.record('core', { type: 'viewer.dropped', severity: 'warn', stream: e.path, message: `a ${e.protocol} viewer of ${e.path} was too slow and was disconnected`, data: { protocol: e.protocol, readerId: e.readerId } });
        }
        break;
      default:
        break;
    }
  });
}
