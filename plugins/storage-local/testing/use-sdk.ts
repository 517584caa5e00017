/**
 * Test bootstrap. The build copies package.json next to the compiled plugin, which makes
 * `dist/plugins/storage-local/` a package scope of its own where the self-reference `xlive/sdk` does
 * not resolve (the appliance installs a resolve hook for that). Import this first; then load modules
 * that import `xlive/sdk` with dynamic `import()`, so they resolve after the hook is installed.
 */
import { installSdkResolver } from '../../../core/plugins/sdk-resolver.js';

let resolves = true;
try {
  import.meta.resolve('xlive/sdk');
} catch {
  resolves = false;
}
if (!resolves) installSdkResolver(new URL('../../../core/sdk/index.js', import.meta.url).href);
