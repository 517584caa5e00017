/** HTTP-FLV: `GET /flv/<app>/<stream>.flv` streams FLV as a chunked 200 response; `OPTIONS` answers CORS preflight. */
import type { HttpRegistrar, RouteHandler } from 'xlive/sdk';
import type { FlvService } from './flv-service.js';
import { HTTP_FLV_HEADERS, HttpFlvTransport } from './http-flv-transport.js';

export function httpFlvHandler(service: FlvService, http: Pick<HttpRegistrar, 'raw' | 'remote' | 'alreadySent'>): RouteHandler {
  return async (c) => {
    const remote = http.remote(c);
    // Errors here (404, 403, 503…) are thrown before anything is written: the core maps them to problem+json.
    const query: Record<string, string> = { ...c.req.query() }; // a plain object for auth providers
    const path = await service.admit({ protocol: 'http-flv', pathname: c.req.path, query, remote });
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
