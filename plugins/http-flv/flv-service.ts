/**
 * What HTTP-FLV and WebSocket-FLV share: map `/flv/<app>/<stream>.flv` to a stream, check the
 * viewer may read it, enforce the viewer cap, and run FlvViewer sessions counted in one registry.
 */
import {
  NotFoundError,
  StreamNotFoundError,
  gateRefusalError,
  isXliveError,
  type GatesApi,
  type Logger,
  type StreamApi,
  type StreamPath,
} from 'xlive/sdk';
import type { HttpFlvConfig } from './config.js';
import type { FlvMetrics } from './flv-metrics.js';
import type { FlvTransport } from './flv-transport.js';
import { FlvViewer, type FlvProtocol } from './flv-viewer.js';
import type { ViewerRegistry } from './viewer-registry.js';

/** Where the plugin is mounted (manifest `httpMounts`). */
export const FLV_MOUNT = '/flv';
const FLV_SUFFIX = '.flv';

export interface FlvRequest {
  protocol: FlvProtocol;
  /** URL path, already percent-decoded: `/flv/<app>/<stream>.flv`. */
  pathname: string;
  query: Record<string, string>;
  remote?: string;
}

export interface FlvServiceDeps {
  streams: Pick<StreamApi, 'subscribe' | 'get' | 'parsePath'>;
  /** The publish/play gate chain (`ctx.gates`). */
  gates: Pick<GatesApi, 'decide'>;
  log: Logger;
  config: HttpFlvConfig;
  viewers: ViewerRegistry;
  metrics: FlvMetrics;
}

export class FlvService {
  constructor(private readonly deps: FlvServiceDeps) {}

  /** `/flv/<app>/<stream>.flv` → the stream's `{app, name, path}`. NotFoundError / ValidationError otherwise. */
  parseRequestPath(pathname: string): { app: string; name: string; path: StreamPath } {
    const prefix = FLV_MOUNT + '/';
    if (!pathname.startsWith(prefix) || !pathname.endsWith(FLV_SUFFIX) || pathname.length <= prefix.length + FLV_SUFFIX.length) {
      throw new NotFoundError(`no flv stream at ${JSON.stringify(pathname.slice(0, 200))}: use ${prefix}<app>/<stream>${FLV_SUFFIX}`);
    }
    return this.deps.streams.parsePath(pathname.slice(prefix.length, -FLV_SUFFIX.length));
  }

  /**
   * Everything before a byte is sent: path, the play gates (a refusal names the gate and its reason),
   * the viewer cap, and that the stream is live. Returns the stream path. Throws
   * NotFoundError/ValidationError, ForbiddenError/RateLimitedError/AuthUnavailableError (a gate
   * refused), LimitExceededError, StreamNotFoundError (and counts the refusal).
   */
  async admit(req: FlvRequest): Promise<StreamPath> {
    try {
      const target = this.parseRequestPath(req.pathname);
      const outcome = await this.deps.gates.decide({ action: 'play', protocol: req.protocol, app: target.app, name: target.name, query: req.query, remote: req.remote ?? 'unknown' });
      if (!outcome.allow) throw gateRefusalError(outcome, 'play');
      // A gate may map the request to the real path (a key sent as the name).
      const path = this.deps.streams.parsePath(outcome.path).path;
      this.deps.viewers.assertCapacity();
      if (!this.deps.streams.get(path)?.publisher) {
        throw new StreamNotFoundError(`stream ${path} is not being published`, { details: { path } });
      }
      return path;
    } catch (err) {
      this.deps.metrics.refused.inc({ protocol: req.protocol, code: isXliveError(err) ? err.code : 'INTERNAL' });
      throw err;
    }
  }

  /**
   * Start a viewer session on `transport`. Throws what subscribe throws (the stream left meanwhile)
   * before anything is written; the caller then answers with that error.
   */
  open(path: StreamPath, protocol: FlvProtocol, transport: FlvTransport, remote?: string): FlvViewer {
    const { viewers, metrics, config, log } = this.deps;
    viewers.assertCapacity();
    const viewer = new FlvViewer({
      streams: this.deps.streams,
      path,
      protocol,
      transport,
      log,
      ...(remote === undefined ? {} : { remote }),
      ...(config.queueBytes === undefined ? {} : { maxQueueBytes: config.queueBytes }),
      ...(config.queueMs === undefined ? {} : { maxQueueMs: config.queueMs }),
      onEnd: (v, reason) => {
        viewers.remove(v);
        metrics.ended.inc({ protocol, reason });
        metrics.bytesSent.inc({ protocol }, v.stats?.bytesSent ?? 0);
        log.info(`${protocol} viewer ${remote ?? '?'} left ${path} (${reason})`);
      },
    });
    viewers.add(viewer);
    try {
      viewer.start();
    } catch (err) {
      viewers.remove(viewer);
      throw err;
    }
    metrics.sessions.inc({ protocol });
    if (!viewer.isEnded) log.info(`${protocol} viewer ${remote ?? '?'} watching ${path}`);
    return viewer;
  }
}
