/**
 * Opening storage-local at start: claim both roots (never nested in each other), build the two class
 * stores and the recordings catalog, and rebuild their indexes from disk (disk is the truth).
 */
import { stat } from 'node:fs/promises';
import { relative, isAbsolute } from 'node:path';
import { ConfigError, type Logger, type PluginDatabase, type StorageClass } from 'xlive/sdk';
import type { FileOps } from './atomic-write.js';
import { ClassStore } from './class-store.js';
import type { StorageLocalConfig } from './config.js';
import { RecordingCatalog } from './recording-catalog.js';
import { reconcileRecordings } from './recording-reconciler.js';
import { RecordingRepository, RECORDING_MIGRATIONS } from './recording-repository.js';
import type { Victim } from './retention.js';
import { SafeRoot } from './safe-root.js';
import { SpaceWatch, type SpaceSample } from './space-watch.js';
import { scanStore, type ScannedFile } from './store-scanner.js';
import type { StatfsFn } from './types.js';

export interface OpenedStores {
  live: ClassStore;
  rec: ClassStore;
  catalog: RecordingCatalog;
  /** Both roots on one filesystem: count its free space once. */
  sameDevice: boolean;
}

export interface OpenStoresOptions {
  config: StorageLocalConfig;
  liveDir: string;
  recordingsDir: string;
  store: { migrate(m: typeof RECORDING_MIGRATIONS): PluginDatabase };
  statfs: StatfsFn;
  fileOps: FileOps;
  now: () => number;
  log: Logger;
  onEvicted(cls: StorageClass, victims: readonly Victim[]): void;
  onRecordingSpace(transition: 'paused' | 'resumed', sample: SpaceSample, space: SpaceWatch): void;
}

export async function openStores(o: OpenStoresOptions): Promise<OpenedStores> {
  const c = o.config;
  const liveRoot = await SafeRoot.open(o.liveDir, 'live storage');
  const recRoot = await SafeRoot.open(o.recordingsDir, 'recordings');
  // One root inside the other would make each rebuild sweep the other's files as strays.
  if (nested(liveRoot.path, recRoot.path) || nested(recRoot.path, liveRoot.path)) {
    throw new ConfigError(`liveDir ${liveRoot.path} and recordingsDir ${recRoot.path} must not contain each other`, {
      details: { liveDir: liveRoot.path, recordingsDir: recRoot.path },
    });
  }
  const repo = new RecordingRepository(o.store.migrate(RECORDING_MIGRATIONS));
  const common = { maxObjectBytes: c.maxObjectBytes, fileOps: o.fileOps, now: o.now };
  const live = new ClassStore({
    ...common,
    cls: 'live',
    root: liveRoot,
    limits: c.live,
    space: new SpaceWatch(liveRoot.path, o.statfs, { ...c.live, resumeMarginBytes: 0 }),
    lowSpace: 'evict',
    floorPerStream: c.live.minSegmentsPerStream,
    playlistsAge: true,
    fsync: false,
    log: o.log.child('live'),
    onEvicted: async (v) => o.onEvicted('live', v),
    onDeleted: async () => undefined,
    onSpace: () => undefined,
  });
  let catalog: RecordingCatalog | null = null;
  const rec: ClassStore = new ClassStore({
    ...common,
    cls: 'recording',
    root: recRoot,
    limits: c.recording,
    space: new SpaceWatch(recRoot.path, o.statfs, c.recording),
    lowSpace: c.recording.onLowSpace === 'pause' ? 'pause' : 'evict-then-pause',
    floorPerStream: 0,
    playlistsAge: false,
    fsync: c.fsyncRecordings,
    log: o.log.child('recording'),
    onEvicted: async (v) => {
      o.onEvicted('recording', v);
      await catalog?.objectsRemoved(v.map((x) => x.entry));
    },
    onDeleted: async (e) => catalog?.objectsRemoved([e]),
    onSpace: (t, s) => o.onRecordingSpace(t, s, rec.space),
  });
  catalog = new RecordingCatalog({
    repo,
    root: recRoot,
    index: rec.index,
    record: c.record,
    recordAll: c.recordAll,
    fsync: c.fsyncRecordings,
    fileOps: o.fileOps,
    now: o.now,
    log: o.log,
  });

  const liveScan = await scanStore(liveRoot, 'live', o.log);
  addAll(live, liveScan.files);
  const recScan = await scanStore(recRoot, 'recording', o.log);
  const outcome = await reconcileRecordings(recScan, repo, catalog, recRoot, o.log);
  addAll(rec, outcome.files);
  const [a, b] = await Promise.all([stat(liveRoot.path), stat(recRoot.path)]);
  o.log.info('storage ready', {
    live: `${liveRoot.path} (${live.index.size} objects)`,
    recordings: `${recRoot.path} (${rec.index.size} objects, ${repo.listRecordings().length} recordings)`,
    removed: liveScan.removed.length + recScan.removed.length + outcome.orphansRemoved,
    indexFixes: outcome.rowsAdded + outcome.rowsDeleted,
  });
  return { live, rec, catalog, sameDevice: a.dev === b.dev };
}

function addAll(store: ClassStore, files: readonly ScannedFile[]): void {
  for (const f of files) {
    const p = f.parsed;
    store.index.add({ key: p.key, streamPath: p.streamPath, kind: p.kind, size: f.size, mtimeMs: f.mtimeMs, recordingId: p.recordingId });
  }
}

function nested(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}
