/**
 * DI tokens of the core. Only the composition root (appliance/composition-root.ts) builds the
 * container and resolves from it; everything else receives what it needs through its constructor.
 */
export const TOKENS = {
  Config: Symbol('Config'),
  Logger: Symbol('Logger'),
  Database: Symbol('Database'),
  Migrator: Symbol('Migrator'),
  StreamHub: Symbol('StreamHub'),
  HealthRegistry: Symbol('HealthRegistry'),
  MetricsRegistry: Symbol('MetricsRegistry'),
  AuthRegistry: Symbol('AuthRegistry'),
  StorageRegistry: Symbol('StorageRegistry'),
  RouteTable: Symbol('RouteTable'),
  HttpApp: Symbol('HttpApp'),
  Router: Symbol('Router'),
  EventLog: Symbol('EventLog'),
  HttpServer: Symbol('HttpServer'),
  PluginHost: Symbol('PluginHost'),
  BuildInfo: Symbol('BuildInfo'),
  PluginContext: Symbol('PluginContext'),
} as const;

export interface BuildInfo {
  name: string;
  version: string;
  apiVersion: string;
  /** Root of the installed package (where dist/ and package.json live). */
  packageRoot: string;
  /** Built-in plugins directory (dist/plugins). */
  builtinPluginsDir: string;
}
