/**
 * A recording as one MPEG-TS body (its segments concatenated in order), with single-range `Range`
 * support: 206 + Content-Range for one range, 416 past the end, `If-Range` against a strong ETag
 * (`"<id>-<bytes>-<segments>"`: segments are only ever appended, so equal counts mean equal bytes).
 * Lengths come from the recordings index; only the segments a range touches are opened, each read
 * from its offset. A segment missing on disk ends the response early (the client sees a short body
 * and can resume with a Range request).
 */
import type { ServerResponse } from 'node:http';
import { NotFoundError, RangeNotSatisfiableError, type Context, type HttpRegistrar, type Logger, type ObjectReader, type StorageProvider } from 'xlive/sdk';
import { parseRange, piecesOf, type ByteRange } from './byte-range.js';
import { CORS_HEADERS, drained, SEGMENT_TYPE } from './http-send.js';
import type { RecordingView } from './recording-access.js';

export interface DownloadDeps {
  http: Pick<HttpRegistrar, 'raw' | 'alreadySent'>;
  provider: Pick<StorageProvider, 'open'>;
  log: Logger;
}

export function recordingEtag(rec: RecordingView): string {
  const bytes = rec.segments.reduce((n, s) => n + s.bytes, 0);
  return `"${rec.id}-${bytes}-${rec.segments.length}"`;
}

export async function sendRecording(deps: DownloadDeps, c: Context, rec: RecordingView): Promise<Response> {
  const sizes = rec.segments.map((s) => s.bytes);
  const total = sizes.reduce((n, s) => n + s, 0);
  const etag = recordingEtag(rec);
  const ifRange = c.req.header('if-range');
  const answer = ifRange !== undefined && ifRange !== etag ? { kind: 'full' as const } : parseRange(c.req.header('range'), total);
  if (answer.kind === 'unsatisfiable') {
    throw new RangeNotSatisfiableError(`recording ${rec.id} has ${total} bytes; the requested range ${JSON.stringify(c.req.header('range')?.slice(0, 60))} lies outside it`, total);
  }
  if (total === 0) throw new NotFoundError(`recording ${rec.id} has no stored segments yet`);
  const range: ByteRange = answer.kind === 'partial' ? answer.range : { start: 0, end: total - 1 };
  const pieces = piecesOf(sizes, range);
  const first = await deps.provider.open('recording', rec.segments[pieces[0]!.index]!.key);
  if (!first) throw new NotFoundError(`recording ${rec.id}: segment ${rec.segments[pieces[0]!.index]!.key} is missing`);

  const fileName = `${(rec.stream ?? 'recording').replace(/[^A-Za-z0-9_.-]/g, '_')}-${rec.id}.ts`;
  const headers: Record<string, string> = {
    ...CORS_HEADERS,
    'Access-Control-Expose-Headers': 'Content-Length, Content-Type, Content-Range, Accept-Ranges, ETag',
    'Content-Type': SEGMENT_TYPE,
    'Content-Disposition': `attachment; filename="${fileName}"`,
    'Cache-Control': 'no-cache',
    'Accept-Ranges': 'bytes',
    ETag: etag,
    'Content-Length': String(range.end - range.start + 1),
  };
  if (answer.kind === 'partial') headers['Content-Range'] = `bytes ${range.start}-${range.end}/${total}`;
  const { res } = deps.http.raw(c);
  res.writeHead(answer.kind === 'partial' ? 206 : 200, headers);
  const run = async (): Promise<void> => {
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i]!;
      const obj = i === 0 ? first : await deps.provider.open('recording', rec.segments[p.index]!.key);
      if (!obj) throw new Error(`segment ${rec.segments[p.index]!.key} of recording ${rec.id} is missing`);
      if (!(await copyPiece(obj, res, p.offset, p.length))) return;
    }
    res.end();
  };
  run().catch((err: unknown) => {
    deps.log.warn(`download of recording ${rec.id} ended early: ${(err as Error).message}`);
    res.destroy();
  });
  return deps.http.alreadySent;
}

/** Write bytes [offset, offset + length) of an object; false when the client left. */
async function copyPiece(obj: ObjectReader, res: ServerResponse, offset: number, length: number): Promise<boolean> {
  const stream = obj.stream as NodeJS.ReadableStream & { destroy?: () => void };
  let at = 0;
  let left = length;
  try {
    for await (const raw of stream as AsyncIterable<Uint8Array | string>) {
      const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
      const from = Math.max(0, offset - at);
      at += chunk.length;
      if (from >= chunk.length) continue;
      const part = chunk.subarray(from, from + left);
      left -= part.length;
      if (res.destroyed) return false;
      if (!res.write(part) && !(await drained(res))) return false;
      if (left === 0) break;
    }
  } finally {
    stream.destroy?.();
  }
  if (left > 0) throw new Error(`a segment ended ${left} bytes short of what the index says`);
  return true;
}
