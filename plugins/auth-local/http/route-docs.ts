import { API_SCOPES, type JsonSchema, type RouteDoc } from 'xlive/sdk';
import { MAX_AUDIT_PAGE } from '../audit-log.js';
import { ROLES } from '../roles.js';

/** The docs (`RouteOptions.doc`) of auth-local's routes, read from their handlers in this folder. */

const STRING = { type: 'string' } as const;
const TIME = { type: 'string', format: 'date-time' } as const;
const SEGMENT: JsonSchema = { type: 'string', pattern: '^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$' };
const STREAM_PARAMS = { app: { ...SEGMENT, description: 'The stream\'s app (`live` in `live/stage`)' }, name: { ...SEGMENT, description: 'The stream\'s name' } };
const USER_ID = { id: { type: 'integer', minimum: 1, description: 'User id' } };
const ROLE = { enum: [...ROLES], description: 'admin: everything; operator: streams and recordings; viewer: read-only' };
const SCOPE = { enum: [...API_SCOPES] };

const USER: JsonSchema = {
  type: 'object',
  required: ['id', 'username', 'role', 'scopes', 'disabled', 'createdAt', 'updatedAt'],
  properties: { id: { type: 'integer' }, username: STRING, role: ROLE, scopes: { type: 'array', items: STRING }, disabled: { type: 'boolean' }, createdAt: TIME, updatedAt: TIME },
};

/** A signed-in answer: the session cookie is set (`Set-Cookie`); the CSRF token goes in `X-CSRF-Token` on unsafe requests. */
const SIGNED_IN: JsonSchema = {
  type: 'object',
  required: ['authenticated', 'user', 'csrfToken', 'expiresAt'],
  properties: { authenticated: { const: true }, user: USER, csrfToken: STRING, expiresAt: TIME },
};

const CREDENTIALS = {
  username: { type: 'string', description: 'Letters, digits, `.`, `_`, `-`' },
  password: { type: 'string', description: 'At least `passwordMinLength` characters, at most 1024 bytes, not the username' },
};

const API_TOKEN: JsonSchema = {
  type: 'object',
  required: ['id', 'name', 'scopes', 'createdBy', 'creatorUserId', 'createdAt', 'expiresAt', 'revokedAt', 'lastUsedAt'],
  properties: {
    id: STRING,
    name: STRING,
    scopes: { type: 'array', items: STRING },
    createdBy: STRING,
    creatorUserId: { type: ['integer', 'null'] },
    createdAt: TIME,
    expiresAt: { type: ['string', 'null'], format: 'date-time' },
    revokedAt: { type: ['string', 'null'], format: 'date-time' },
    lastUsedAt: { type: ['string', 'null'], format: 'date-time' },
  },
};

const STREAM_KEY: JsonSchema = {
  type: 'object',
  required: ['path', 'app', 'name', 'protected', 'createdAt', 'rotatedAt', 'fingerprint', 'playbackEpoch'],
  properties: {
    path: STRING,
    app: STRING,
    name: STRING,
    protected: { type: 'boolean', description: 'Playback needs a signed link (`?token=`) or credentials' },
    createdAt: TIME,
    rotatedAt: TIME,
    fingerprint: { type: 'string', description: 'First 8 hex digits of the key\'s SHA-256' },
    playbackEpoch: { type: 'integer' },
  },
};

/** A stream key with the key itself (shown once) and where an encoder sends the stream. */
const STREAM_KEY_WITH_KEY: JsonSchema = {
  ...STREAM_KEY,
  required: [...(STREAM_KEY['required'] as string[]), 'key', 'publish'],
  properties: {
    ...(STREAM_KEY['properties'] as object),
    key: { type: 'string', description: 'The publish key; shown only in this answer' },
    publish: {
      type: 'object',
      required: ['server', 'streamKey', 'url', 'urlWithQuery'],
      properties: { server: { type: 'string', description: 'OBS "Server"' }, streamKey: { type: 'string', description: 'OBS "Stream key"' }, url: STRING, urlWithQuery: STRING },
    },
  },
};

const AUDIT_ENTRY: JsonSchema = {
  type: 'object',
  required: ['id', 'time', 'actor', 'ip', 'action', 'detail'],
  properties: { id: { type: 'integer' }, time: TIME, actor: STRING, ip: { type: ['string', 'null'] }, action: STRING, detail: { type: 'object' } },
};

const items = (item: JsonSchema, extra: Record<string, JsonSchema> = {}): JsonSchema => ({
  type: 'object',
  required: ['items', ...Object.keys(extra)],
  properties: { items: { type: 'array', items: item }, ...extra },
});
const json = (schema: JsonSchema, description?: string) => ({ required: true, schema, ...(description && { description }) });

export const AUTH_ROUTE_DOCS = {
  getSetup: {
    summary: 'Whether first-boot setup is open (no admin yet), and whether it needs the setup code',
    tags: ['session'],
    responses: { 200: { description: 'Setup state', schema: { type: 'object', required: ['open', 'setupCodeRequired'], properties: { open: { type: 'boolean' }, setupCodeRequired: { type: 'boolean' } } } } },
  },
  postSetup: {
    summary: 'Create the first admin (once) and sign in',
    tags: ['session'],
    body: json({ type: 'object', required: ['username', 'password'], properties: { ...CREDENTIALS, setupCode: { type: 'string', description: 'Printed on the console, when required' } } }),
    responses: { 201: { description: 'The admin, signed in (session cookie set)', schema: SIGNED_IN }, 409: { description: 'Setup is already done' } },
  },
  getSession: {
    summary: 'Who the caller is: the signed-in user (with the CSRF token), the token, or nobody',
    tags: ['session'],
    responses: {
      200: {
        description: 'The caller',
        schema: {
          oneOf: [
            SIGNED_IN,
            {
              type: 'object',
              required: ['authenticated', 'token'],
              properties: { authenticated: { const: true }, token: { type: 'object', properties: { id: STRING, name: STRING, scopes: { type: 'array', items: STRING } } } },
            },
            { type: 'object', required: ['authenticated', 'setupOpen'], properties: { authenticated: { const: false }, setupOpen: { type: 'boolean' } } },
          ],
        },
      },
    },
  },
  postSession: {
    summary: 'Sign in with a username and password (sets the session cookie)',
    tags: ['session'],
    body: json({ type: 'object', required: ['username', 'password'], properties: CREDENTIALS }),
    responses: { 200: { description: 'Signed in', schema: SIGNED_IN } },
  },
  deleteSession: {
    summary: 'Sign out (needs the X-CSRF-Token header while the session is live)',
    tags: ['session'],
    responses: { 204: { description: 'Signed out; the cookie is cleared' } },
  },
  deleteSessions: {
    summary: 'Sign out everywhere: end every session of the signed-in user',
    tags: ['session'],
    responses: { 200: { description: 'How many sessions ended', schema: { type: 'object', required: ['revoked'], properties: { revoked: { type: 'integer', minimum: 0 } } } } },
  },
  listUsers: { summary: 'Users', tags: ['users'], responses: { 200: { description: 'Users', schema: items(USER) } } },
  createUser: {
    summary: 'Create a user',
    tags: ['users'],
    body: json({ type: 'object', required: ['username', 'password'], properties: { ...CREDENTIALS, role: { ...ROLE, default: 'viewer' } } }),
    responses: { 201: { description: 'The user', schema: USER }, 409: { description: 'The username is taken' } },
  },
  getUser: { summary: 'One user', tags: ['users'], params: USER_ID, responses: { 200: { description: 'The user', schema: USER } } },
  patchUser: {
    summary: 'Change a user\'s role, password or disabled flag (ends their sessions)',
    tags: ['users'],
    params: USER_ID,
    body: json({ type: 'object', additionalProperties: false, properties: { role: ROLE, password: CREDENTIALS.password, disabled: { type: 'boolean' } } }),
    responses: { 200: { description: 'The user', schema: USER }, 409: { description: 'It would leave no active admin' } },
  },
  deleteUser: { summary: 'Delete a user', tags: ['users'], params: USER_ID, responses: { 204: { description: 'Deleted' }, 409: { description: 'It is the last active admin, or your own account' } } },
  listTokens: { summary: 'API tokens (never the token itself)', tags: ['tokens'], responses: { 200: { description: 'Tokens, newest first', schema: items(API_TOKEN) } } },
  createToken: {
    summary: 'Create an API token (only scopes the caller holds)',
    tags: ['tokens'],
    body: json({
      type: 'object',
      required: ['name', 'scopes'],
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 64 },
        scopes: { type: 'array', minItems: 1, maxItems: API_SCOPES.length, items: SCOPE },
        expiresInDays: { type: ['number', 'null'], exclusiveMinimum: 0, maximum: 3650, description: 'null or absent: no expiry' },
      },
    }),
    responses: { 201: { description: 'The token; `token` (the JWT) is shown only here', schema: { ...API_TOKEN, required: [...(API_TOKEN['required'] as string[]), 'token'], properties: { ...(API_TOKEN['properties'] as object), token: STRING } } } },
  },
  revokeToken: { summary: 'Revoke an API token', tags: ['tokens'], params: { id: { type: 'string', minLength: 1, maxLength: 128 } }, responses: { 204: { description: 'Revoked' } } },
  listStreamKeys: {
    summary: 'Configured streams (never their keys) and the publish auth mode',
    tags: ['stream-keys'],
    responses: { 200: { description: 'Stream keys', schema: items(STREAM_KEY, { publishAuth: { type: 'string' } }) } },
  },
  createStreamKey: {
    summary: 'Configure a stream: its publish key (shown once) and protection',
    tags: ['stream-keys'],
    body: json({ type: 'object', required: ['path'], properties: { path: { type: 'string', description: '`<app>/<name>`, e.g. `live/stage`' }, protected: { type: 'boolean', default: false } } }),
    responses: { 201: { description: 'The stream key, with the key', schema: STREAM_KEY_WITH_KEY }, 409: { description: 'The stream is already configured' } },
  },
  rotateStreamKey: {
    summary: 'A new publish key (shown once); the old one stops working and its publisher is ended',
    tags: ['stream-keys'],
    params: STREAM_PARAMS,
    responses: { 200: { description: 'The stream key, with the new key', schema: STREAM_KEY_WITH_KEY } },
  },
  patchStreamKey: {
    summary: 'Protect a stream (playback needs a signed link) or open it',
    tags: ['stream-keys'],
    params: STREAM_PARAMS,
    body: json({ type: 'object', required: ['protected'], properties: { protected: { type: 'boolean' } } }),
    responses: { 200: { description: 'The stream key', schema: STREAM_KEY } },
  },
  deleteStreamKey: {
    summary: 'Remove a stream\'s configuration and key',
    tags: ['stream-keys'],
    params: STREAM_PARAMS,
    responses: { 204: { description: 'Removed' }, 409: { description: 'The stream is protected' } },
  },
  revokePlayback: {
    summary: 'Void every playback link of a stream and end its viewers',
    tags: ['stream-keys'],
    params: STREAM_PARAMS,
    responses: { 200: { description: 'The stream key and how many viewers ended', schema: { ...STREAM_KEY, required: [...(STREAM_KEY['required'] as string[]), 'viewersEnded'], properties: { ...(STREAM_KEY['properties'] as object), viewersEnded: { type: 'integer', minimum: 0 } } } } },
  },
  createPlaybackToken: {
    summary: 'A signed, expiring playback link (`?token=`) for a stream',
    tags: ['stream-keys'],
    body: json({
      type: 'object',
      required: ['path'],
      properties: { path: { type: 'string', description: '`<app>/<name>`' }, ttlSeconds: { type: ['integer', 'null'], minimum: 60, maximum: 30 * 86_400, description: 'Default: the plugin\'s playbackTokenTtlSeconds' } },
    }),
    responses: {
      201: {
        description: 'The link token',
        schema: { type: 'object', required: ['path', 'token', 'query', 'expiresAt', 'protected'], properties: { path: STRING, token: STRING, query: { type: 'string', description: '`token=<token>`, to append to a playback URL' }, expiresAt: TIME, protected: { type: 'boolean' } } },
      },
    },
  },
  listAudit: {
    summary: 'The audit log (sign-ins, changes to users, tokens and keys), newest first',
    tags: ['audit'],
    query: {
      limit: { type: 'integer', minimum: 1, maximum: MAX_AUDIT_PAGE, description: 'At most this many (default 100)' },
      before: { type: 'integer', minimum: 1, description: 'Only entries with an id below this (the next page)' },
      action: { type: 'string', pattern: '^[a-z.-]{1,40}$', description: 'Only this action (`login.failed`)' },
    },
    responses: { 200: { description: 'Entries', schema: items(AUDIT_ENTRY) } },
  },
} satisfies Record<string, RouteDoc>;
