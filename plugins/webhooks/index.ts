/** The webhooks plugin: the box's events POSTed as JSON to configured URLs, with retries and a timeout. */
import { createWebhooksPlugin } from './webhooks-plugin.js';

export default createWebhooksPlugin();

export { createWebhooksPlugin, type WebhooksOverrides } from './webhooks-plugin.js';
export type { WebhooksConfig } from './config.js';
