import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { logTail } from './child-set.js';
import { awaitListening, BENCH_APP, BENCH_STREAM, type BenchTarget, type RunningServer, type TargetContext } from './bench-target.js';
import { freePort } from './ports.js';

/**
 * nginx with libnginx-mod-rtmp (Debian), one process (`daemon off; master_process off;`), from a
 * temporary prefix holding its config, pid and logs. RTMP only: nginx-rtmp has no HTTP-FLV. For the
 * HLS section it also runs an http server on 127.0.0.1 that serves the HLS directory, with
 * nginx-rtmp's `hls on` or without it (the same config otherwise, so the difference is the remux).
 */

export interface NginxHls {
  /** `hls on` in the RTMP application. */
  on: boolean;
  httpPort: number;
}

export const NGINX_RTMP_MODULE = '/usr/lib/nginx/modules/ngx_rtmp_module.so';
const INSTALL_HINT = 'install it with: apt-get install -y nginx libnginx-mod-rtmp';

export function nginxConfig(prefix: string, rtmpPort: number, hls?: NginxHls): string {
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
            live on;${hls?.on ? hlsDirectives(prefix) : ''}
        }
    }
}
${hls ? httpBlock(prefix, hls.httpPort) : ''}`;
}

/** nginx-rtmp HLS: 2 s fragments, a 12 s playlist (the same window as xlive's default 6 × 2 s). */
function hlsDirectives(prefix: string): string {
  return `
            hls on;
            hls_path ${join(prefix, 'hls')};
            hls_fragment 2s;
            hls_playlist_length 12s;`;
}

/**
 * Serves <prefix>/hls as /hls/<name>.m3u8 and its segments. Temp paths and the access log stay in
 * the prefix (Debian's compiled-in defaults are under /var). sendfile as in Debian's stock config.
 */
function httpBlock(prefix: string, httpPort: number): string {
  const temp = (name: string) => join(prefix, 'temp', name);
  return `
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    client_body_temp_path ${temp('body')};
    proxy_temp_path ${temp('proxy')};
    fastcgi_temp_path ${temp('fastcgi')};
    uwsgi_temp_path ${temp('uwsgi')};
    scgi_temp_path ${temp('scgi')};
    server {
        listen 127.0.0.1:${httpPort};
        location /hls {
            types {
                application/vnd.apple.mpegurl m3u8;
                video/mp2t ts;
            }
            root ${prefix};
            add_header Cache-Control no-cache;
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

  /** @param hls undefined: RTMP only (the main phases); else with the http server, HLS on or off. */
  constructor(private readonly hls?: { on: boolean }) {}

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
    const httpPort = this.hls ? await freePort() : undefined;
    if (httpPort !== undefined) {
      mkdirSync(join(prefix, 'hls'), { recursive: true });
      mkdirSync(join(prefix, 'temp'), { recursive: true });
    }
    writeFileSync(join(prefix, 'nginx.conf'), nginxConfig(prefix, rtmpPort, this.hls && httpPort !== undefined ? { on: this.hls.on, httpPort } : undefined));
    const logPath = join(prefix, 'stdout.log');
    // -e: the error log before the config is read (else nginx tries /var/log/nginx/error.log).
    const s = ctx.children.spawn(this.bin, ['-p', prefix, '-c', 'nginx.conf', '-e', join(prefix, 'error.log')], { cwd: prefix, logPath });
    const tail = () => `${logTail(join(prefix, 'error.log'))}\n${logTail(logPath)}`.trim();
    const server: RunningServer = {
      pid: s.pid,
      rtmpUrl: `rtmp://127.0.0.1:${rtmpPort}/${BENCH_APP}/${BENCH_STREAM}`,
      hlsUrl: this.hls?.on && httpPort !== undefined ? `http://127.0.0.1:${httpPort}/hls/${BENCH_STREAM}.m3u8` : undefined,
      exited: () => s.exited,
      logTail: tail,
      stop: () => ctx.children.stop(s),
    };
    return awaitListening(server, httpPort === undefined ? [rtmpPort] : [rtmpPort, httpPort]);
  }
}
