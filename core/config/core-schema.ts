/**
 * The schema of xlive's core configuration: the TypeScript shape (`CoreConfig`) and the JSON Schema
 * (draft-07, validated with ajv, `useDefaults`) that fills in defaults and rejects unknown keys in
 * core sections. `plugins.<id>` sections are only checked to be objects here; each is validated
 * later against its manifest's `configSchema` (see `LoadedConfig.pluginSection`).
 */
import type { LogFormat, LogLevel } from '../logging/logger.js';
import type { ConnectionLimits } from '../sdk/net.js';
import type { StreamHubOptions } from '../streams/stream-hub.js';

export interface HttpConfig {
  host: string;
  port: number;
  bodyLimitBytes: number;
  requestTimeoutMs: number;
  trustProxy: boolean;
  /** Names (and addresses) browsers use to reach the box, besides its host name and interface addresses. */
  publicNames: string[];
  rateLimits: RateLimitsConfig;
}

export interface RateLimitsConfig {
  apiPerIpPerMinute: number;
  apiPerTokenPerMinute: number;
  mediaPerIpPerMinute: number;
}

export interface EventsConfig {
  /** The event log keeps this many newest events. */
  maxEvents: number;
}

export interface LogConfig {
  level: LogLevel;
  format: LogFormat;
  /** The in-memory ring behind GET /api/v1/logs keeps at most this many recent lines … */
  ringLines: number;
  /** … and at most this many bytes of them. */
  ringBytes: number;
}

/** The `streams` section is exactly the hub's options (validated and defaulted here). */
export type StreamsConfig = StreamHubOptions;

export interface PluginHostConfig {
  startTimeoutMs: number;
  stopTimeoutMs: number;
  /** Plugin ids kept disabled whatever the saved state says (labs, tests, emergencies). */
  disable: string[];
  /** A plugin whose callbacks fail this many times within `faultWindowMs` is marked failed and stopped. */
  faultLimit: number;
  faultWindowMs: number;
  /** A plugin callback that holds the event loop longer than this is logged and counted as slow. */
  slowCallbackMs: number;
  /** Plugin packages (`POST /api/v1/plugins`, `xlive plugins install`): the .tgz, its files unpacked, its entries. */
  maxPackageBytes: number;
  maxPackageUnpackedBytes: number;
  maxPackageEntries: number;
}

export interface AuthConfig {
  /**
   * Lab mode: with no auth plugin running the box is OPEN (anyone controls it, anyone publishes)
   * instead of refusing everything. Chosen on the console only (config file or XLIVE_AUTH_LAB_MODE);
   * the settings layer (SQLite, written by the API/panel) can never set it.
   */
  labMode: boolean;
}

/** Connection admission (core/net): caps of the HTTP listener and defaults for plugin listeners. */
export interface ConnectionsConfig {
  /** Descriptors kept free of sockets for files (SQLite, segments, logs); at most a quarter of the limit. */
  fileHeadroom: number;
  http: ConnectionLimits;
  /** For plugin listeners that state no caps of their own. */
  listeners: ConnectionLimits;
}

/** Backup and restore (`GET /api/v1/system/backup`, `POST /api/v1/system/restore`, `xlive backup`). */
export interface BackupConfig {
  /** The largest archive made or taken: an upload above it is refused (413), as is one unpacking to more. */
  maxBytes: number;
}

export interface CoreConfig {
  /** Absolute. Default `<cwd>/data`. */
  dataDir: string;
  /** Absolute. Live HLS segments; default `<dataDir>/run` (`/run/xlive` on the box). */
  runtimeDir: string;
  /** Absolute. External plugins; default `<dataDir>/plugins`. */
  pluginsDir: string;
  http: HttpConfig;
  log: LogConfig;
  streams: StreamsConfig;
  /** Raw plugin sections from files and settings; use `pluginSection()` for the validated, env-merged one. */
  plugins: Record<string, Record<string, unknown>>;
  pluginHost: PluginHostConfig;
  events: EventsConfig;
  auth: AuthConfig;
  connections: ConnectionsConfig;
  update: UpdateConfig;
  box: BoxConfig;
  backup: BackupConfig;
  stats: StatsConfig;
  shutdownTimeoutMs: number;
}

/** The per-stream history the panel charts (core/streams/stream-history.ts). */
export interface StatsConfig {
  /** A sample of every live stream this often. */
  intervalMs: number;
  /** Kept this long (points per stream = window / interval). */
  windowMs: number;
}

/** Package updates with rollback (appliance/update, docs/appliance.md "Updates"). Console-only. */
export interface UpdateConfig {
  /**
   * The updater's state directory (its journal, the kept packages and database snapshots), written by
   * the root `xlive-update.service`; empty = this box cannot update itself (not installed from the package).
   */
  stateDir: string;
  /** Largest package the API accepts. */
  maxUploadBytes: number;
  /** A new version must be ready (systemd active, ready.json of that version, /readyz 200) within this. */
  readyTimeoutMs: number;
  /** …and stay so for this long (a crash right after start is a failure too). */
  settleMs: number;
}

/** Hostname, network and time zone changes through the root helper (appliance/boxconf). Console-only. */
export interface BoxConfig {
  /**
   * The root helper's state directory (its last result), written by `xlive-boxconf.service`; empty = this
   * box cannot change its system settings (not installed from the package).
   */
  stateDir: string;
}

/** Keys holding filesystem paths: resolved against cwd, and never taken from the settings layer. */
export const PATH_KEYS = ['dataDir', 'runtimeDir', 'pluginsDir'] as const;

/** Sections set only on the console (files, environment), never from the settings layer the API writes. */
export const CONSOLE_ONLY_KEYS = ['auth', 'update', 'box'] as const;

/**
 * Single keys set only on the console: `pluginHost.disable` could turn the auth plugin off from the
 * settings layer (the box would then fail closed: no way in, but a way to take it down).
 */
export const CONSOLE_ONLY_PATHS = [['pluginHost', 'disable']] as const;

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
const DAY_MS = 86_400_000;

const bytes = (def: number, min: number, max: number) => ({ type: 'integer', minimum: min, maximum: max, default: def });
const millis = (def: number, min = 1) => ({ type: 'integer', minimum: min, maximum: DAY_MS, default: def });
const count = (def: number, min = 1) => ({ type: 'integer', minimum: min, maximum: 1_000_000, default: def });
const connectionLimits = (d: ConnectionLimits) => ({
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    maxTotal: count(d.maxTotal, 4),
    maxIdleTotal: count(d.maxIdleTotal),
    maxPerIp: count(d.maxPerIp),
    maxIdlePerIp: count(d.maxIdlePerIp),
    reserved: count(d.reserved, 0),
  },
});

/** Core JSON Schema. Defaults live here; `runtimeDir`/`pluginsDir` are derived from `dataDir` after validation. */
export const coreSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    dataDir: { type: 'string', minLength: 1, default: './data' },
    runtimeDir: { type: 'string', minLength: 1 },
    pluginsDir: { type: 'string', minLength: 1 },
    http: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        host: { type: 'string', minLength: 1, default: '0.0.0.0' },
        port: { type: 'integer', minimum: 0, maximum: 65535, default: 8080 },
        bodyLimitBytes: bytes(MIB, 1, GIB),
        requestTimeoutMs: millis(30_000),
        trustProxy: { type: 'boolean', default: false },
        publicNames: { type: 'array', maxItems: 32, items: { type: 'string', minLength: 1, maxLength: 253, pattern: '^[^\\s/]+$' }, default: [] },
        rateLimits: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            apiPerIpPerMinute: { type: 'integer', minimum: 1, maximum: 10_000_000, default: 600 },
            apiPerTokenPerMinute: { type: 'integer', minimum: 1, maximum: 10_000_000, default: 1200 },
            mediaPerIpPerMinute: { type: 'integer', minimum: 1, maximum: 10_000_000, default: 30_000 },
          },
        },
      },
    },
    log: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        level: { type: 'string', enum: ['debug', 'info', 'warn', 'error', 'silent'], default: 'info' },
        format: { type: 'string', enum: ['text', 'json'], default: 'text' },
        ringLines: { type: 'integer', minimum: 100, maximum: 1_000_000, default: 5000 },
        ringBytes: bytes(2 * MIB, 64 * 1024, 256 * MIB),
      },
    },
    streams: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        gopCacheBytes: bytes(8 * MIB, 0, GIB),
        readerQueueBytes: bytes(4 * MIB, 1, GIB),
        readerQueueMs: millis(5_000),
        slowReaderGraceMs: millis(10_000, 0),
        maxStreams: { type: 'integer', minimum: 1, maximum: 100_000, default: 64 },
        takeover: { type: 'boolean', default: false },
      },
    },
    plugins: {
      type: 'object',
      default: {},
      propertyNames: { pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' },
      additionalProperties: { type: 'object' },
    },
    pluginHost: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        startTimeoutMs: millis(10_000),
        stopTimeoutMs: millis(5_000),
        disable: { type: 'array', items: { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' }, maxItems: 100, default: [] },
        faultLimit: { type: 'integer', minimum: 1, maximum: 1_000_000, default: 10 },
        faultWindowMs: millis(60_000, 100),
        slowCallbackMs: millis(200),
        maxPackageBytes: bytes(64 * MIB, 1024, 4 * GIB),
        maxPackageUnpackedBytes: bytes(256 * MIB, 1024, 16 * GIB),
        maxPackageEntries: { type: 'integer', minimum: 1, maximum: 1_000_000, default: 10_000 },
      },
    },
    events: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        maxEvents: { type: 'integer', minimum: 100, maximum: 1_000_000, default: 10_000 },
      },
    },
    auth: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        labMode: { type: 'boolean', default: false },
      },
    },
    connections: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        fileHeadroom: count(4096, 0),
        // See docs/security.md "Connection limits" and systemd/xlive.service (LimitNOFILE) for the sums.
        http: connectionLimits({ maxTotal: 4096, maxIdleTotal: 1024, maxPerIp: 1000, maxIdlePerIp: 128, reserved: 64 }),
        listeners: connectionLimits({ maxTotal: 1024, maxIdleTotal: 128, maxPerIp: 500, maxIdlePerIp: 16, reserved: 16 }),
      },
    },
    update: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        stateDir: { type: 'string', default: '' },
        maxUploadBytes: bytes(256 * MIB, MIB, 4 * GIB),
        readyTimeoutMs: millis(180_000, 5_000),
        settleMs: millis(10_000, 0),
      },
    },
    box: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        stateDir: { type: 'string', default: '' },
      },
    },
    backup: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        maxBytes: bytes(256 * MIB, MIB, 16 * GIB),
      },
    },
    stats: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        intervalMs: { type: 'integer', minimum: 1000, maximum: 600_000, default: 10_000 },
        windowMs: { type: 'integer', minimum: 60_000, maximum: 3_600_000, default: 900_000 },
      },
    },
    shutdownTimeoutMs: millis(10_000),
  },
} as const;
