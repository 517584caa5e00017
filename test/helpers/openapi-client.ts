/**
 * A minimal client driven only by a box's OpenAPI document (`GET /api/v1/openapi.json`) and a bearer
 * token: operations are called by `operationId`, paths come from the document's templates, and
 * parameters must be ones the operation declares. What a generated client does, small enough for tests.
 */
export interface OpenApiOperation {
  operationId: string;
  security: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: 'path' | 'query'; required: boolean }>;
  requestBody?: { required: boolean; content: Record<string, unknown> };
  responses: Record<string, unknown>;
}

export interface OpenApiCall {
  params?: Record<string, string | number>;
  query?: Record<string, string | number | boolean>;
  body?: unknown;
  /** A non-JSON body (an archive, a package), sent with a content type the operation declares. */
  raw?: { contentType: string; data: Uint8Array };
  /** Extra request headers (`range`, `if-range`). */
  headers?: Record<string, string>;
}

export interface OpenApiAnswer<T> {
  status: number;
  headers: Headers;
  body: T;
}

export class OpenApiClient {
  private readonly byId = new Map<string, { method: string; path: string; op: OpenApiOperation }>();

  private constructor(
    private readonly baseUrl: string,
    readonly document: { paths: Record<string, Record<string, OpenApiOperation>> },
    private readonly token?: string,
  ) {
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(item)) this.byId.set(op.operationId, { method: method.toUpperCase(), path, op });
    }
  }

  /** Fetch the document of the box at `baseUrl` (public) and call with `token`. */
  static async load(baseUrl: string, token?: string): Promise<OpenApiClient> {
    const res = await fetch(`${baseUrl}/api/v1/openapi.json`);
    if (res.status !== 200) throw new Error(`openapi.json answered ${res.status}`);
    return new OpenApiClient(baseUrl, (await res.json()) as OpenApiClient['document'], token);
  }

  withToken(token: string): OpenApiClient {
    return new OpenApiClient(this.baseUrl, this.document, token);
  }

  operation(operationId: string): { method: string; path: string; op: OpenApiOperation } {
    const found = this.byId.get(operationId);
    if (!found) throw new Error(`the document has no operation ${operationId}`);
    return found;
  }

  /** The operationId of `METHOD path` (the document's path template, e.g. `/api/v1/recordings/{id}`). */
  idOf(method: string, path: string): string {
    const op = this.document.paths[path]?.[method.toLowerCase()];
    if (!op) throw new Error(`the document has no ${method} ${path}`);
    return op.operationId;
  }

  /** The scope an operation needs (its security requirement), or undefined when it is public. */
  scopeOf(operationId: string): string | undefined {
    return this.operation(operationId).op.security[0]?.['bearerAuth']?.[0];
  }

  async call<T = Record<string, unknown>>(operationId: string, args: OpenApiCall = {}): Promise<OpenApiAnswer<T>> {
    const { method, path, op } = this.operation(operationId);
    const declared = op.parameters ?? [];
    const inPath = new Set(declared.filter((p) => p.in === 'path').map((p) => p.name));
    const inQuery = new Set(declared.filter((p) => p.in === 'query').map((p) => p.name));
    for (const name of Object.keys(args.params ?? {})) if (!inPath.has(name)) throw new Error(`${operationId} has no path parameter ${name}`);
    for (const name of Object.keys(args.query ?? {})) if (!inQuery.has(name)) throw new Error(`${operationId} has no query parameter ${name}`);
    if ((args.body !== undefined || args.raw) && !op.requestBody) throw new Error(`${operationId} takes no body`);
    if (args.raw && !(args.raw.contentType in (op.requestBody?.content ?? {}))) throw new Error(`${operationId} takes no ${args.raw.contentType} body`);
    const url = path.replace(/\{([^}]+)\}/g, (_, name: string) => {
      const v = args.params?.[name];
      if (v === undefined) throw new Error(`${operationId} needs path parameter ${name}`);
      return encodeURIComponent(String(v));
    });
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(args.query ?? {})) query.set(k, String(v));
    const headers: Record<string, string> = { ...args.headers };
    if (this.token) headers['authorization'] = `Bearer ${this.token}`;
    if (args.body !== undefined) headers['content-type'] = 'application/json';
    if (args.raw) headers['content-type'] = args.raw.contentType;
    const payload = args.raw ? args.raw.data : args.body !== undefined ? JSON.stringify(args.body) : undefined;
    const res = await fetch(`${this.baseUrl}${url}${query.size ? `?${query}` : ''}`, { method, headers, ...(payload !== undefined && { body: payload }) });
    const type = res.headers.get('content-type') ?? '';
    if (!/json|^text\//.test(type)) return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) as T };
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, headers: res.headers, body: body as T };
  }
}
