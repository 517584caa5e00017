import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The bench workload: a 720p30 H.264 High / AAC-LC clip near 3 Mbit/s with a keyframe every 2 s,
 * made once with ffmpeg and cached by its parameters. Noise keeps x264 from undershooting the
 * bitrate on the synthetic test pattern.
 */

export const CLIP_SPEC = { width: 1280, height: 720, fps: 30, videoKbps: 3000, audioKbps: 128, seconds: 20, gop: 60 } as const;

export function clipArgs(out: string): string[] {
  const s = CLIP_SPEC;
  return [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=${s.width}x${s.height}:rate=${s.fps},noise=alls=12:allf=t`,
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', String(s.seconds),
    '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-pix_fmt', 'yuv420p',
    '-b:v', `${s.videoKbps}k`, '-maxrate', `${s.videoKbps}k`, '-bufsize', `${s.videoKbps}k`,
    '-g', String(s.gop), '-keyint_min', String(s.gop), '-sc_threshold', '0',
    '-c:a', 'aac', '-b:a', `${s.audioKbps}k`, '-ac', '2',
    '-f', 'flv', out,
  ];
}

/** Returns the path of the clip in `cacheDir`, encoding it first if it is not there. */
export async function ensureClip(cacheDir: string, log: (line: string) => void, timeoutMs = 180_000): Promise<string> {
  const s = CLIP_SPEC;
  const name = `clip-${s.height}p${s.fps}-${s.videoKbps}k-${s.seconds}s-g${s.gop}.flv`;
  const path = join(cacheDir, name);
  if (existsSync(path) && statSync(path).size > 0) return path;
  mkdirSync(cacheDir, { recursive: true });
  const partial = `${path}.${process.pid}.part`;
  log(`encoding the ${s.seconds} s ${s.height}p${s.fps} clip with ffmpeg (once; cached in ${cacheDir})`);
  await runFfmpeg(clipArgs(partial), timeoutMs);
  renameSync(partial, path);
  return path;
}

function runFfmpeg(args: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 4000) stderr += d.toString();
    });
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ffmpeg (is it installed?): ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`ffmpeg exited with ${code ?? signal}: ${stderr.trim()}`));
    });
  });
}
