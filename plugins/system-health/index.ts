/** The system-health plugin: box facts, hot values, health checks, `GET /api/v1/system`, health events. */
import { createSystemHealthPlugin } from './system-health-plugin.js';

export default createSystemHealthPlugin();

export { createSystemHealthPlugin, type SystemHealthOverrides } from './system-health-plugin.js';
export type { SystemHealthConfig } from './config.js';
