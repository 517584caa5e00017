/** Test support: an ffmpeg-made H.264 + AAC FLV file, and a publisher that replays it into the hub. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { flvTagBody, readFlv, type FlvTag } from 'xlive/media';
import type { FrameInit, Publisher } from 'xlive/sdk';

const run = promisify(execFile);

export interface FlvFixture {
  bytes: Buffer;
  /** Script tags as metadata payloads, then every audio/video tag as a FrameInit, in file order. */
  metadata: Buffer[];
  frames: FrameInit[];
}

/** `seconds` of 320x240 testsrc2 at 30 fps (H.264, GOP 30) and a sine (AAC), as FLV. */
export async function makeFlvFixture(seconds = 3): Promise<FlvFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'xlive-http-flv-'));
  try {
    const file = join(dir, 'x.flv');
    await run(
      'ffmpeg',
      ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30', '-f', 'lavfi', '-i', 'sine',
        '-t', String(seconds), '-c:v', 'libx264', '-g', '30', '-c:a', 'aac', file],
      { timeout: 30_000 },
    );
    const bytes = readFileSync(file);
    const flv = readFlv(bytes);
    const metadata: Buffer[] = [];
    const frames: FrameInit[] = [];
    for (const tag of flv.tags) {
      if (tag.type === 18) metadata.push(tag.body);
      else frames.push(tagFrame(tag));
    }
    return { bytes, metadata, frames };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An audio/video tag as the FrameInit RTMP ingest would publish for it (throws for a tag ingest would drop). */
export function tagFrame(tag: FlvTag): FrameInit {
  const body = flvTagBody(tag);
  if ('skip' in body) throw new Error(`flv tag at byte ${tag.offset} is not a frame: ${body.skip}`);
  return body.frame;
}

/** Start a publish the way an ingest protocol would: metadata, media info, then sequence headers. */
export function startPublish(publisher: Publisher, fixture: FlvFixture): FrameInit[] {
  for (const m of fixture.metadata) publisher.setMetadata(m, {});
  publisher.setMediaInfo({ video: { codec: 'h264', width: 320, height: 240 }, audio: { codec: 'aac' } });
  const headers = fixture.frames.filter((f) => f.sequenceHeader);
  for (const h of headers) publisher.push(h);
  return fixture.frames.filter((f) => !f.sequenceHeader);
}
