import { register } from 'node:module';

/**
 * Lets plugins outside the package (the external plugins directory) `import … from 'xlive/sdk'`,
 * `'xlive/sdk/testing'` and `'xlive/media'` and get the host's own modules: one copy, so `instanceof` on SDK error classes works
 * across plugins. Built-in plugins resolve them the same way through the package's self-reference.
 */
const HOOKS = `
let urls;
export async function initialize(data) { urls = data.urls; }
export async function resolve(specifier, context, next) {
  const url = urls[specifier];
  if (url !== undefined) return { url, shortCircuit: true };
  return next(specifier, context);
}`;

/** `sdkUrl` is the file URL of the SDK's index.js; its testing harness sits below it, the media library beside it (dist/core/media). */
export function installSdkResolver(sdkUrl: string): void {
  const urls = { 'xlive/sdk': sdkUrl, 'xlive/sdk/testing': new URL('./testing/index.js', sdkUrl).href, 'xlive/media': new URL('../media/index.js', sdkUrl).href };
  register('data:text/javascript,' + encodeURIComponent(HOOKS), { data: { urls } });
}
