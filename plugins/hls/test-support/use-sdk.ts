/**
 * Test bootstrap. The build copies the plugin's package.json next to its compiled code, which makes
 * `dist/plugins/hls/` its own package scope, so the package self-reference `xlive/sdk` no longer
 * resolves when a test file runs alone under `node --test` (the appliance installs a resolver hook for
 * that). Importing this module first installs the same hook when needed; test files then load modules
 * that import the SDK with dynamic `import()`, so they resolve after the hook is in place.
 */
import { installSdkResolver } from '../../../core/plugins/sdk-resolver.js';

function sdkResolves(): boolean {
  try {
    import.meta.resolve('xlive/sdk');
    return true;
  } catch {
    return false;
  }
}

if (!sdkResolves()) installSdkResolver(new URL('../../../core/sdk/index.js', import.meta.url).href);
