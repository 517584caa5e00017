/**
 * An example third-party plugin, written only against the SDK. Build it with `tsc` against the
 * `xlive/sdk` types; `npm run build` also packs it as dist/examples/hello-plugin-<version>.tgz, which
 * a box installs with `POST /api/v1/plugins` or `xlive plugins install` (docs/plugins.md). It serves GET /plugins/hello/ (described by `doc`, so it shows in
 * the box's OpenAPI document) and registers a health check.
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
      {
        public: true,
        // What the route answers, as JSON Schema: validated requests, and the box's OpenAPI document
        // (GET /api/v1/openapi.json) lists it under the tag "hello".
        doc: {
          summary: 'A greeting, and how many times it was given',
          responses: {
            200: {
              description: 'The greeting',
              schema: {
                type: 'object',
                required: ['message', 'greeted', 'streams'],
                properties: { message: { type: 'string' }, greeted: { type: 'integer', minimum: 1 }, streams: { type: 'integer', minimum: 0 } },
              },
            },
          },
        },
      },
    );
    ctx.health.register({
      name: 'mood',
      check: () => (ctx.config.healthy ? { status: 'ok' } : { status: 'fail', message: 'configured to be unhealthy' }),
    });
    ctx.log.info(`ready to say "${ctx.config.greeting}"`);
  },
});
