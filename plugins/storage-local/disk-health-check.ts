/** The `disk` health check: recording paused → fail; a filesystem near its watermark → warn. */
import type { HealthCheck, HealthResult } from 'xlive/sdk';
import type { LocalStorage } from './local-storage.js';

export function diskHealthCheck(provider: LocalStorage, resumeMarginBytes: number): HealthCheck {
  return {
    name: 'disk',
    async check(): Promise<HealthResult> {
      if (!provider.isStarted) return { status: 'warn', message: 'storage is not started' };
      const u = await provider.refreshSpace();
      const { live: l, recording: r } = u;
      if (u.recordingPaused) {
        return {
          status: 'fail',
          message: `recording paused for disk space: ${mb(r.bytesFree)} free on ${r.root}, needs ${mb(r.minFreeBytes)}; resumes above ${mb(r.minFreeBytes + resumeMarginBytes)}`,
        };
      }
      const warnings: string[] = [];
      if (r.bytesFree < r.minFreeBytes + resumeMarginBytes) warnings.push(`recordings disk nearly full: ${mb(r.bytesFree)} free on ${r.root} (pauses below ${mb(r.minFreeBytes)})`);
      if (l.bytesFree < l.minFreeBytes) warnings.push(`live storage nearly full: ${mb(l.bytesFree)} free on ${l.root}, evicting oldest live segments`);
      if (warnings.length > 0) return { status: 'warn', message: warnings.join('; ') };
      return { status: 'ok', message: `recordings ${mb(r.bytesUsed)} used, ${mb(r.bytesFree)} free; live ${mb(l.bytesUsed)} used, ${mb(l.bytesFree)} free` };
    },
  };
}

function mb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
