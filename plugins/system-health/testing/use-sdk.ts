/**
 * Test bootstrap. The build copies this plugin's package.json next to its compiled code, which makes
 * `dist/plugins/system-health/` its own package scope, so `xlive/sdk` does not resolve when a test
 * file runs alone under `node --test`. Importing this module first installs the host's resolver hook
 * when needed; test files then load plugin modules with dynamic `import()`.
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
