/**
 * `GET /flv/<app>/<stream>.flv`: HTTP-FLV (a chunked 200 response), or with `Upgrade: websocket`
 * WebSocket-FLV (binary messages after a 101); `OPTIONS` answers CORS preflight.
 */
import { describeError, type HttpRegistrar, type Logger, type RouteHandler } from 'xlive/sdk';
import type { FlvService } from './flv-service.js';
import { HTTP_FLV_HEADERS, HttpFlvTransport } from './http-flv-transport.js';
import { WS_CLOSE, WsFlvTransport } from './ws-flv-transport.js';

export function httpFlvHandler(service: FlvService, http: Pick<HttpRegistrar, 'raw' | 'remote' | 'alreadySent' | 'websocket' | 'isWebSocket'>, log: Logger): RouteHandler {
  return async (c) => {
    const remote = http.remote(c);
    const websocket = http.isWebSocket(c);
    // Errors here (404, 403, 503…) are thrown before anything is written, and before a 101: the core
    // maps them to problem+json.
    const query: Record<string, string> = { ...c.req.query() }; // a plain object for auth providers
    const path = await service.admit({ protocol: websocket ? 'ws-flv' : 'http-flv', pathname: c.req.path, query, remote });
    if (websocket) {
      return http.websocket(c, (ws) => {
        try {
          service.open(path, 'ws-flv', new WsFlvTransport(ws), remote);
        } catch (err) {
          // The stream left between admission and the 101: close as WebSocket.
          log.debug(`ws-flv viewer ${remote} could not start: ${describeError(err)}`);
          ws.close(WS_CLOSE.goingAway, 'stream not available');
        }
      });
    }
    const { req, res } = http.raw(c);
    if (req.method === 'HEAD') {
      // Headers only: a HEAD must not hold a viewer open on a body that is never sent.
      res.writeHead(200, { ...HTTP_FLV_HEADERS });
      res.end();
      return http.alreadySent;
    }
    const transport = new HttpFlvTransport(res);
    service.open(path, 'http-flv', transport, remote);
    transport.open();
    return http.alreadySent;
  };
}

/** CORS preflight for players on other origins (Fetch standard, CORS protocol). */
export function flvPreflightHandler(): RouteHandler {
  return (c) => {
    const requested = c.req.header('access-control-request-headers');
    return new Response(null, {
      status: 204,
      headers: {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Methods': 'GET, OPTIONS',
        'Access-Control-Allow-Headers': requested ?? 'Range',
        'Access-Control-Max-Age': '86400',
      },
    });
  };
}
