/** ffmpeg as a real RTMP publisher for end-to-end tests. */
import { spawn, type ChildProcess } from 'node:child_process';

/** Publish `seconds` of test pattern (H.264 + AAC) to `url`; resolves to ffmpeg's exit code and the end of its stderr. */
export function ffmpegPublish(url: string, seconds = 2, timeoutMs = 30_000): { child: ChildProcess; done: Promise<{ code: number | null; stderr: string }> } {
  const args = ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25', '-f', 'lavfi', '-i', 'sine', '-t', String(seconds)];
  args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '25', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-f', 'flv', url);
  const child = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const done = new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
  return { child, done };
}
