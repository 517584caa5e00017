import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { logTail } from './child-set.js';
import { BENCH_APP, BENCH_STREAM, START_TIMEOUT_MS, type BenchTarget, type RunningServer, type TargetContext } from './bench-target.js';
import { freePort, waitForPort } from './ports.js';

/**
 * nginx with libnginx-mod-rtmp (Debian), one process (`daemon off; master_process off;`), from a
 * temporary prefix holding its config, pid and logs. RTMP only: nginx-rtmp has no HTTP-FLV.
 */

export const NGINX_RTMP_MODULE = '/usr/lib/nginx/modules/ngx_rtmp_module.so';
const INSTALL_HINT = 'install it with: apt-get install -y nginx libnginx-mod-rtmp';

export function nginxConfig(prefix: string, rtmpPort: number): string {
  return `# written by the xlive bench
load_module ${NGINX_RTMP_MODULE};
daemon off;
master_process off;
worker_processes 1;
worker_rlimit_nofile 8192;
pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'error.log')} warn;

events {
    worker_connections 4096;
}

rtmp {
    server {
        listen 127.0.0.1:${rtmpPort};
        chunk_size 4096;
        application ${BENCH_APP} {
            live on;
        }
    }
}
`;
}

/** `nginx` on PATH, else Debian's /usr/sbin/nginx (not on a normal user's PATH); undefined if neither runs. */
export function nginxBinary(): string | undefined {
  for (const bin of ['nginx', '/usr/sbin/nginx']) {
    if (!spawnSync(bin, ['-v'], { stdio: 'ignore', timeout: 5000 }).error) return bin;
  }
  return undefined;
}

export class NginxTarget implements BenchTarget {
  readonly id = 'nginx' as const;
  readonly label = 'nginx-rtmp';
  private bin = 'nginx';

  unavailable(): string | undefined {
    const bin = nginxBinary();
    if (!bin) return `nginx is not installed; ${INSTALL_HINT}`;
    this.bin = bin;
    if (!existsSync(NGINX_RTMP_MODULE)) return `${NGINX_RTMP_MODULE} is missing; ${INSTALL_HINT}`;
    return undefined;
  }

  async start(ctx: TargetContext): Promise<RunningServer> {
    const rtmpPort = await freePort();
    const prefix = join(ctx.workDir, 'nginx');
    mkdirSync(join(prefix, 'logs'), { recursive: true });
    writeFileSync(join(prefix, 'nginx.conf'), nginxConfig(prefix, rtmpPort));
    const logPath = join(prefix, 'stdout.log');
    // -e: the error log before the config is read (else nginx tries /var/log/nginx/error.log).
    const s = ctx.children.spawn(this.bin, ['-p', prefix, '-c', 'nginx.conf', '-e', join(prefix, 'error.log')], { cwd: prefix, logPath });
    const tail = () => `${logTail(join(prefix, 'error.log'))}\n${logTail(logPath)}`.trim();
    const server: RunningServer = {
      pid: s.pid,
      rtmpUrl: `rtmp://127.0.0.1:${rtmpPort}/${BENCH_APP}/${BENCH_STREAM}`,
      exited: () => s.exited,
      logTail: tail,
      stop: () => ctx.children.stop(s),
    };
    try {
      await waitForPort('127.0.0.1', rtmpPort, START_TIMEOUT_MS, server.exited);
    } catch (err) {
      await server.stop();
      throw new Error(`${(err as Error).message}\n${tail()}`);
    }
    return server;
  }
}
