/**
 * An example third-party plugin, written only against the SDK. Build it with `tsc` against the
 * `xlive/sdk` types and drop the folder (package.json + compiled index.js) into the external plugins
 * directory (`<data dir>/plugins/hello`). It serves GET /plugins/hello/ and registers a health check.
 */
import { definePlugin, type PluginContext } from 'xlive/sdk';

interface HelloConfig {
  greeting: string;
  healthy: boolean;
}

export default definePlugin<HelloConfig>({
  setup(ctx: PluginContext<HelloConfig>) {
    let greeted = 0;
    ctx.http.route(
      'GET',
      '/',
      (c) => {
        greeted++;
        return c.json({ message: `${ctx.config.greeting} from ${ctx.id}`, greeted, streams: ctx.streams.list().length });
      },
      { public: true },
    );
    ctx.health.register({
      name: 'mood',
      check: () => (ctx.config.healthy ? { status: 'ok' } : { status: 'fail', message: 'configured to be unhealthy' }),
    });
    ctx.log.info(`ready to say "${ctx.config.greeting}"`);
  },
});
