/**
 * End to end with real tools: ffmpeg publishes H.264/AAC over RTMP to an in-process RtmpServer,
 * ffprobe/ffmpeg play it back over RTMP. Every process is ours, killed by PID, every wait bounded.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger, createTestHub, testGateChain } from 'xlive/sdk/testing';

const { RtmpServer } = await import('./rtmp-server.js');

const children = new Set<ChildProcess>();

function killChild(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Run a tool to completion (killed after timeoutMs); resolves with its exit code and output. */
function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => killChild(child), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Start ffmpeg publishing the lavfi test pattern and tone (stopped by PID). */
function publish(url: string): { child: ChildProcess; done: Promise<{ code: number | null; stderr: string }> } {
  const args = [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    '-re', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30',
    '-re', '-f', 'lavfi', '-i', 'sine',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '30',
    '-c:a', 'aac', '-t', '30', '-f', 'flv', url,
  ];
  const child = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('close', (code) => {
      children.delete(child);
      resolve({ code, stderr });
    }),
  );
  return { child, done };
}

async function waitUntil(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('rtmp end to end with ffmpeg', { timeout: 60_000 }, () => {
  const hub = createTestHub();
  /** Records requests; the name `streamkey123` is a key for live/test. */
  const gates = testGateChain(hub);
  const seen = gates.seen;
  gates.gate((req) => (req.name === 'streamkey123' ? { allow: true, path: 'live/test' } : { allow: true }));
  const server = new RtmpServer({ host: '127.0.0.1', port: 0 }, { streams: hub, gates: gates.chain, log: silentLogger() });
  let base = '';

  before(async () => {
    const { port } = await server.start();
    base = `rtmp://127.0.0.1:${port}`;
  });

  after(async () => {
    for (const child of children) killChild(child);
    await server.stop();
  });

  const ready = () => {
    const s = hub.get('live/test');
    return !!s?.publisher && !!s.media.video?.width && !!s.media.audio && s.ingest.frames > 60;
  };

  it('takes ffmpeg H.264/AAC, plays it back to ffprobe and ffmpeg, refuses a second publisher, takes a republish', async () => {
    const first = publish(`${base}/live/test?key=k1`);
    await waitUntil(ready, 15_000, 'the first publish');
    assert.deepEqual(hub.get('live/test')!.media.video, { codec: 'h264', width: 640, height: 360, profile: 'Constrained Baseline' });
    assert.ok(seen.some((c) => c.name === 'test' && c.key === 'k1'), '?key= reached the gates');

    // ffprobe sees exactly H.264 + AAC.
    const probe = await run('ffprobe', ['-v', 'error', '-rw_timeout', '5000000', '-show_streams', '-of', 'json', `${base}/live/test`], 15_000);
    assert.equal(probe.code, 0, probe.stderr);
    const streams = (JSON.parse(probe.stdout) as { streams: Array<{ codec_name: string; width?: number }> }).streams;
    assert.deepEqual(streams.map((s) => s.codec_name).sort(), ['aac', 'h264']);
    assert.equal(streams.find((s) => s.codec_name === 'h264')!.width, 640);

    // The first video frame a player gets is a keyframe.
    const frames = await run(
      'ffprobe',
      ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=key_frame,pict_type', '-read_intervals', '%+#1', '-of', 'csv=p=0', `${base}/live/test`],
      15_000,
    );
    assert.equal(frames.code, 0, frames.stderr);
    assert.equal(frames.stdout.trim().split('\n')[0], '1,I');

    // ffmpeg decodes two seconds without errors.
    const decode = await run('ffmpeg', ['-hide_banner', '-v', 'error', '-nostdin', '-i', `${base}/live/test`, '-t', '2', '-f', 'null', '-'], 20_000);
    assert.equal(decode.code, 0, decode.stderr);
    assert.equal(decode.stderr.trim(), '', 'no decode errors');

    // A second publisher on the same path is refused and ffmpeg gives up.
    const second = publish(`${base}/live/test`);
    const refused = await Promise.race([second.done, sleep(10_000).then(() => null)]);
    assert.ok(refused, 'second publisher should exit');
    assert.notEqual(refused.code, 0);
    assert.ok(hub.get('live/test')?.publisher, 'the first publisher keeps the path');

    // Disconnect, then republish with the stream key as the name (mapped to live/test by auth).
    killChild(first.child);
    await first.done;
    await waitUntil(() => hub.get('live/test') === undefined, 5000, 'the unpublish');
    const again = publish(`${base}/live/streamkey123`);
    await waitUntil(ready, 15_000, 'the republish');
    assert.ok(seen.some((c) => c.name === 'streamkey123'), 'key in the name reached the gates');
    killChild(again.child);
    await again.done;
  });
});
