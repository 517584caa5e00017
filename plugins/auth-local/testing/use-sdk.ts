/**
 * Test bootstrap: the build copies the plugin's package.json next to its compiled code, so
 * `dist/plugins/auth-local/` is its own package scope and `xlive/sdk` does not resolve when a test
 * file runs alone under `node --test`. Importing this first installs the host's resolver hook when
 * needed; test files then load SDK-importing modules with dynamic `import()`.
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
