import { execFile } from 'node:child_process';

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs an external tool (ffmpeg, ffprobe) with a timeout; never rejects for a non-zero exit. */
export function runTool(cmd: string, args: readonly string[], timeoutMs = 20_000): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') {
        reject(new Error(`${cmd} failed to run: ${err.message}`, { cause: err }));
        return;
      }
      resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
    });
  });
}

/** True when the tool starts at all (e.g. `ffmpeg -version`). */
export async function hasTool(cmd: string): Promise<boolean> {
  try {
    return (await runTool(cmd, ['-version'], 5000)).code === 0;
  } catch {
    return false;
  }
}
