import { register } from 'node:module';

/**
 * Lets plugins outside the package (the external plugins directory) `import … from 'xlive/sdk'` and get
 * the host's own SDK module: one copy, so `instanceof` on SDK error classes works across plugins.
 * Built-in plugins resolve it the same way through the package's self-reference.
 */
const HOOKS = `
let sdkUrl;
export async function initialize(data) { sdkUrl = data.sdkUrl; }
export async function resolve(specifier, context, next) {
  if (specifier === 'xlive/sdk') return { url: sdkUrl, shortCircuit: true };
  return next(specifier, context);
}`;

export function installSdkResolver(sdkUrl: string): void {
  register('data:text/javascript,' + encodeURIComponent(HOOKS), { data: { sdkUrl } });
}
