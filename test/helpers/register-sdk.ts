/**
 * Preloaded into every test process (`node --import ./dist/test/helpers/register-sdk.js --test …`, see
 * scripts/run-tests.mjs): lets plugin modules import `xlive/sdk` the way the appliance does. The build
 * copies each plugin's package.json next to its compiled code, which makes `dist/plugins/<id>/` its own
 * package scope where the package self-reference does not reach.
 */
import { installSdkResolver } from '../../core/plugins/sdk-resolver.js';

installSdkResolver(new URL('../../core/sdk/index.js', import.meta.url).href);
