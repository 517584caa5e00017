/**
 * The xlive plugin SDK: the only surface plugins import (`import { definePlugin } from 'xlive/sdk'`).
 * Semver'd as PLUGIN_API_VERSION; manifests state the range they need in `xlive.apiVersion`.
 */
export * from './plugin.js';
export * from './cli.js';
export * from './media.js';
export * from './streams.js';
export * from './auth.js';
export * from './gates.js';
export * from './storage.js';
export * from './health.js';
export * from './metrics.js';
export * from './events.js';
export * from './http.js';
export * from './net.js';
export * from './turn-writer.js';
export * from './faults.js';
export * from './redact.js';
export * from './list-page.js';
export * from './config-change.js';
export type { Logger, LogLevel } from './logger.js';
export * from './errors.js';
