/**
 * Per-stream HLS settings in the plugin's own database (`hls_stream_settings`): today the live
 * playlist window of a stream where it differs from `plugins.hls.windowSize`. Read through an
 * in-memory copy (asked at every publish), written through.
 */
import type { Migration, PluginDatabase } from 'xlive/sdk';

export const HLS_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'per-stream settings',
    up: `
      CREATE TABLE hls_stream_settings (
        stream_path TEXT PRIMARY KEY,
        window_size INTEGER,
        updated_at INTEGER NOT NULL
      );
    `,
  },
];

export interface HlsStreamSettings {
  /** Segments the live playlist lists; null: the config's `windowSize`. */
  windowSize: number | null;
}

export class StreamSettingsStore {
  private cache: Map<string, HlsStreamSettings> | undefined;

  constructor(
    private readonly db: () => PluginDatabase,
    private readonly now: () => number = Date.now,
  ) {}

  get(path: string): HlsStreamSettings {
    return this.all().get(path) ?? { windowSize: null };
  }

  /** Replace a stream's settings; all-null settings remove its row. */
  set(path: string, s: HlsStreamSettings): HlsStreamSettings {
    const db = this.db();
    if (s.windowSize === null) db.prepare('DELETE FROM hls_stream_settings WHERE stream_path = ?').run(path);
    else {
      db.prepare(
        'INSERT INTO hls_stream_settings (stream_path, window_size, updated_at) VALUES (?, ?, ?) ON CONFLICT (stream_path) DO UPDATE SET window_size = excluded.window_size, updated_at = excluded.updated_at',
      ).run(path, s.windowSize, this.now());
    }
    if (s.windowSize === null) this.all().delete(path);
    else this.all().set(path, { ...s });
    return this.get(path);
  }

  private all(): Map<string, HlsStreamSettings> {
    if (!this.cache) {
      const rows = this.db().prepare('SELECT stream_path, window_size FROM hls_stream_settings').all() as Array<{ stream_path: string; window_size: number | null }>;
      this.cache = new Map(rows.map((r) => [r.stream_path, { windowSize: r.window_size }]));
    }
    return this.cache;
  }
}
