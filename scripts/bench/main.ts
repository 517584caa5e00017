/**
 * `npm run bench` entry point. The RTMP codec modules the bench reuses import `xlive/sdk`; their
 * compiled folder is its own package scope (the build copies the plugin's package.json there), so
 * the package self-reference does not resolve from them. Like the appliance, install the SDK
 * resolver hook first, then load the bench.
 */
import { installSdkResolver } from '../../core/plugins/sdk-resolver.js';

const sdkUrl = new URL('../../core/sdk/index.js', import.meta.url).href;
installSdkResolver(sdkUrl);
const { benchMain } = await import('./bench-cli.js');
process.exitCode = await benchMain(process.argv.slice(2));
// Viewer sockets may still be closing; nothing else is left to wait for.
setTimeout(() => process.exit(), 500).unref();
