/** xlive's layered, schema-validated configuration. */
export { loadConfig, type LoadConfigOptions } from './config-loader.js';
export type { LoadedConfig, ConfigLayerInfo } from './loaded-config.js';
export {
  coreSchema,
  PATH_KEYS,
  type CoreConfig,
  type HttpConfig,
  type LogConfig,
  type StreamsConfig,
  type PluginHostConfig,
} from './core-schema.js';
export { RESERVED_ENV_VARS, envNameOf, pluginEnvId, type Env } from './env-layer.js';
export { configDirOf, defaultReadFile, type ReadFile } from './file-layers.js';
