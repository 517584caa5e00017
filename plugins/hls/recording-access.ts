/**
 * The recordings side of a StorageProvider, as the SDK states it (`provider.recordings`), read
 * tolerantly: a provider that implements the RecordingStore methods on itself is accepted too, and a
 * recording is read either as the SDK's `{ info, segments }` or as one object carrying `segments`.
 */
import type { RecordingSegment, RecordingStore, StorageProvider } from 'xlive/sdk';

const METHODS = ['shouldRecord', 'beginRecording', 'addRecordingSegment', 'endRecording', 'listRecordings', 'getRecording', 'deleteRecording'] as const;

function isRecordingStore(v: unknown): v is RecordingStore {
  return typeof v === 'object' && v !== null && METHODS.every((m) => typeof (v as Record<string, unknown>)[m] === 'function');
}

/** The provider's recording store, if it keeps recordings. */
export function recordingStoreOf(provider: StorageProvider | undefined): RecordingStore | undefined {
  if (!provider) return undefined;
  if (isRecordingStore(provider.recordings)) return provider.recordings;
  return isRecordingStore(provider) ? provider : undefined;
}

export interface RecordingView {
  id: string;
  /** `<app>/<stream>` when known. */
  stream: string | undefined;
  ended: boolean;
  segments: RecordingSegment[];
}

/** Normalise what `getRecording` returned. */
export function recordingView(id: string, raw: unknown): RecordingView {
  const r = (raw ?? {}) as Record<string, unknown>;
  const info = (typeof r['info'] === 'object' && r['info'] !== null ? r['info'] : r) as Record<string, unknown>;
  const segments = Array.isArray(r['segments']) ? (r['segments'] as RecordingSegment[]) : [];
  const ended = (info['endedAt'] ?? info['endedMs'] ?? null) !== null;
  const stream = typeof info['stream'] === 'string' ? info['stream'] : typeof info['path'] === 'string' ? info['path'] : undefined;
  return { id, stream, ended, segments: [...segments].sort((a, b) => a.seq - b.seq) };
}
