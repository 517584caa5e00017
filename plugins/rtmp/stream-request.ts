/**
 * Where a publish/play request points and which credentials came with it. Encoders put the stream
 * key in the stream name (`abc123`), or as `?key=` on the name, the app or the tcUrl
 * (`rtmp://host/live?key=abc123`); players pass `?token=` the same way.
 */
export interface StreamRequest {
  app: string;
  /** The stream name without its query. */
  name: string;
  /** Query values from tcUrl, app and name (later ones win). */
  query: Record<string, string>;
}

/** What `connect` established: the application and its query. */
export interface ConnectTarget {
  app: string;
  query: Record<string, string>;
  tcUrl: string;
}

const MAX_QUERY_PARAMS = 32;

/** Split `base?a=1&b=2`; the query becomes own properties only (never a prototype key). */
export function splitQuery(s: string): { base: string; query: Record<string, string> } {
  const q = s.indexOf('?');
  if (q < 0) return { base: s, query: {} };
  const entries = [...new URLSearchParams(s.slice(q + 1))].slice(0, MAX_QUERY_PARAMS);
  return { base: s.slice(0, q), query: Object.fromEntries(entries) };
}

function trimSlashes(s: string): string {
  return s.replace(/^\/+|\/+$/g, '');
}

/** The target of a `connect` command object (`app`, `tcUrl`; either may carry a query). */
export function connectTarget(commandObject: unknown): ConnectTarget {
  const obj = typeof commandObject === 'object' && commandObject !== null ? (commandObject as Record<string, unknown>) : {};
  const rawApp = typeof obj.app === 'string' ? obj.app : '';
  const tcUrl = typeof obj.tcUrl === 'string' ? obj.tcUrl : '';
  const fromUrl = splitQuery(tcUrl).query;
  const { base, query } = splitQuery(rawApp);
  return { app: trimSlashes(base), query: { ...fromUrl, ...query }, tcUrl };
}

/** The request a publish/play name makes on a connected target. */
export function streamRequest(target: ConnectTarget, rawName: string): StreamRequest {
  const { base, query } = splitQuery(rawName);
  return { app: target.app, name: trimSlashes(base), query: { ...target.query, ...query } };
}
