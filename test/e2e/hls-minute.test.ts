/**
 * A minute of live HLS decoded end to end: ffmpeg publishes 60 s of H.264/AAC (faster than real time),
 * the live playlist keeps every segment (window 40), and ffmpeg reads it from the first segment to
 * EXT-X-ENDLIST without an error or a continuity/timestamp warning; the EXTINFs add up to a minute.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { startAppliance, type ApplianceHandle } from '../helpers/appliance.js';

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 8 * 1024 * 1024 }, (err, _stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr });
    });
  });
}

describe('HLS: a minute of media', () => {
  let app: ApplianceHandle;
  before(async () => {
    app = await startAppliance({
      env: {
        XLIVE_PUBLISH_AUTH: 'open',
        XLIVE_HLS_WINDOW_SIZE: '40',
        XLIVE_HLS_END_GRACE_MS: '1000',
        XLIVE_STORAGE_LOCAL_LIVE: JSON.stringify({ maxSegmentsPerStream: 60 }),
      },
    });
  });
  after(async () => {
    await app?.stop();
  });

  it('ffmpeg decodes 60 s of the live playlist without errors or warnings', async () => {
    const pub = await run(
      'ffmpeg',
      ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
        '-t', '60', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '60', '-c:a', 'aac', '-f', 'flv', `${app.rtmpUrl}/live/minute`],
      120_000,
    );
    assert.equal(pub.code, 0, pub.stderr);
    const url = `${app.httpUrl}/hls/live/minute/index.m3u8`;
    let text = '';
    for (let i = 0; i < 100 && !text.includes('#EXT-X-ENDLIST'); i++) {
      text = await (await fetch(url)).text();
      if (!text.includes('#EXT-X-ENDLIST')) await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(text, /#EXT-X-ENDLIST/);
    const total = [...text.matchAll(/#EXTINF:([\d.]+),/g)].reduce((s, m) => s + Number(m[1]), 0);
    assert.ok(Math.abs(total - 60) < 2.1, `EXTINFs add up to ${total} s`);
    assert.doesNotMatch(text, /#EXT-X-MEDIA-SEQUENCE:[1-9]/, 'no segment rolled off');
    const read = await run('ffmpeg', ['-hide_banner', '-v', 'warning', '-live_start_index', '0', '-i', url, '-f', 'null', '-'], 120_000);
    assert.equal(read.code, 0, read.stderr);
    assert.equal(read.stderr.trim(), '', `ffmpeg warned:\n${read.stderr}`);
  });
});
