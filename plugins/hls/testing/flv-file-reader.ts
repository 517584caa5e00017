import { readFile } from 'node:fs/promises';
import { flvTagBody, readFlv } from 'xlive/media';
import { TestFrame } from './test-frame.js';

/**
 * An FLV file's audio and video tags as the hub's Frames (the media library's FLV reader, the same
 * body parser RTMP ingest uses): sequence headers and coded frames only; end-of-sequence, metadata,
 * script and command packets are left out. For tests and tools; not a hot path.
 */
export async function readFlvFile(path: string): Promise<TestFrame[]> {
  return flvFrames(await readFile(path));
}

/** The frames of a whole FLV file held in memory; payloads are views into `data`. */
export function flvFrames(data: Uint8Array): TestFrame[] {
  const frames: TestFrame[] = [];
  for (const tag of readFlv(data).tags) {
    const body = flvTagBody(tag);
    if ('skip' in body || body.frame.track === 'data') continue;
    if (body.packet === 'sequence-start' || body.packet === 'coded' || body.packet === 'raw') frames.push(new TestFrame(body.frame));
  }
  return frames;
}
