import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { logTail } from './child-set.js';
import { awaitListening, BENCH_APP, BENCH_STREAM, type BenchTarget, type RunningServer, type TargetContext } from './bench-target.js';
import { freePort } from './ports.js';

/**
 * node-media-server v4 (the devDependency), started with its own CLI (`bin/app.js -c <config>`) on
 * 127.0.0.1 with RTMP and HTTP(-FLV) only: no RTMPS/HTTPS, no admin console or API, no recording.
 */
export class NmsTarget implements BenchTarget {
  readonly id = 'nms' as const;
  readonly label = 'node-media-server';

  constructor(private readonly repoRoot: string) {}

  private get appJs(): string {
    return join(this.repoRoot, 'node_modules', 'node-media-server', 'bin', 'app.js');
  }

  unavailable(): string | undefined {
    if (!existsSync(this.appJs)) return 'node-media-server is not installed (it is a devDependency: run npm install)';
    return undefined;
  }

  async start(ctx: TargetContext): Promise<RunningServer> {
    const rtmpPort = await freePort();
    const httpPort = await freePort();
    const dataDir = join(ctx.workDir, 'data');
    mkdirSync(dataDir, { recursive: true });
    const config = {
      bind: '127.0.0.1',
      notify: { url: '' },
      store: { path: dataDir, maxHistory: 100 },
      auth: { play: false, publish: false, secret: 'xlive-bench-unused' },
      rtmp: { port: rtmpPort },
      http: { port: httpPort },
      webadmin: { enable: false },
      record: { auto: false, path: join(ctx.workDir, 'record') },
    };
    const configPath = join(ctx.workDir, 'nms-config.json');
    writeFileSync(configPath, JSON.stringify(config, null, 2));
    const logPath = join(ctx.workDir, 'nms.log');
    const s = ctx.children.spawn(process.execPath, [this.appJs, '-c', configPath], { cwd: ctx.workDir, logPath });
    const server: RunningServer = {
      pid: s.pid,
      rtmpUrl: `rtmp://127.0.0.1:${rtmpPort}/${BENCH_APP}/${BENCH_STREAM}`,
      flvUrl: `http://127.0.0.1:${httpPort}/${BENCH_APP}/${BENCH_STREAM}.flv`,
      exited: () => s.exited,
      logTail: () => logTail(logPath),
      stop: () => ctx.children.stop(s),
    };
    return awaitListening(server, [rtmpPort, httpPort]);
  }
}
