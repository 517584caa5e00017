/** A real ffmpeg publishing the lavfi test pattern and a tone over RTMP, stopped by PID. */
import { spawn, type ChildProcess } from 'node:child_process';

export interface Publisher {
  child: ChildProcess;
  /** Resolves when ffmpeg exits, with its code and the end of its stderr. */
  done: Promise<{ code: number | null; stderr: string }>;
  stop(): Promise<void>;
}

export function startPublisher(url: string, seconds: number): Publisher {
  const args = [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    '-re', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25',
    '-re', '-f', 'lavfi', '-i', 'sine',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '25',
    '-c:a', 'aac', '-t', String(seconds), '-f', 'flv', url,
  ];
  const child = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const timer = setTimeout(() => child.kill('SIGKILL'), (seconds + 30) * 1000);
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    }),
  );
  return {
    child,
    done,
    async stop() {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      await done;
    },
  };
}

/** Read `seconds` of a live stream with ffmpeg (any URL ffmpeg plays); resolves with its exit code and output. */
export function play(url: string, seconds: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-i', url, '-t', String(seconds), '-f', 'null', '-'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const timer = setTimeout(() => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), (seconds + 20) * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}
