import { SCAFFOLD_DEV_DEPENDENCIES, SDK_PACKAGE } from './sdk-package.js';

export interface ScaffoldInput {
  id: string;
  apiVersion: string;
  /** The devDependency spec of the SDK package (`file:…` or a semver range). */
  sdkSpec: string;
}

/** The files of a new plugin project, by relative path. */
export function scaffoldFiles(x: ScaffoldInput): Record<string, string> {
  const pkg = {
    name: `xlive-plugin-${x.id}`,
    version: '0.1.0',
    description: `The ${x.id} plugin for xlive.`,
    type: 'module',
    main: 'dist/src/index.js',
    files: ['dist/src', 'README.md'],
    scripts: {
      build: 'tsc -p tsconfig.json',
      test: 'node --test dist/test/',
      check: `xlive plugins check .`,
      package: 'npm run build && npm pack',
    },
    devDependencies: { [SDK_PACKAGE.name]: x.sdkSpec, ...SCAFFOLD_DEV_DEPENDENCIES },
    xlive: {
      id: x.id,
      apiVersion: `^${x.apiVersion}`,
      kinds: ['other'],
      permissions: ['http'],
      dependsOn: [],
      configSchema: {
        type: 'object',
        additionalProperties: false,
        properties: {
          greeting: { type: 'string', default: 'hello', maxLength: 100, description: 'What GET /plugins/' + x.id + '/ says.' },
        },
      },
    },
  };
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      rootDir: '.',
      outDir: 'dist',
      declaration: false,
      sourceMap: true,
      skipLibCheck: true,
      types: ['node'],
    },
    include: ['src', 'test'],
  };
  return {
    'package.json': JSON.stringify(pkg, null, 2) + '\n',
    'tsconfig.json': JSON.stringify(tsconfig, null, 2) + '\n',
    '.gitignore': 'node_modules/\ndist/\n*.tgz\n',
    'src/index.ts': `import { definePlugin, type PluginContext } from 'xlive/sdk';

/** plugins.${x.id} in the box's config (the schema is "xlive.configSchema" in package.json). */
export interface Config {
  greeting: string;
}

/**
 * The ${x.id} plugin: GET /plugins/${x.id}/ answers a greeting (the caller needs a token or a login;
 * add "http:public" to the permissions and \`public: true\` to the route for an open one).
 */
export default definePlugin<Config>({
  setup(ctx: PluginContext<Config>) {
    ctx.http.route('GET', '/', (c) => c.json({ message: \`\${ctx.config.greeting} from \${ctx.id}\` }), {
      doc: {
        summary: 'A greeting',
        responses: {
          200: { description: 'The greeting', schema: { type: 'object', required: ['message'], properties: { message: { type: 'string' } } } },
        },
      },
    });
    ctx.log.info(\`ready to say "\${ctx.config.greeting}"\`);
  },
});
`,
    'test/index.test.ts': `import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import plugin from '../src/index.js';

/*
 * A first test of the plugin's definition and manifest. With xlive/sdk/testing (the SDK's harness: a
 * real hub, HTTP app and store) a test can also start the plugin and call its routes.
 */
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));

describe('${x.id}', () => {
  it('has a manifest the box accepts', () => {
    assert.equal(pkg.type, 'module');
    assert.equal(pkg.xlive.id, '${x.id}');
    assert.match(pkg.xlive.apiVersion, /^\\^\\d+\\.\\d+\\.\\d+$/);
    assert.equal(pkg.xlive.configSchema.properties.greeting.default, 'hello');
  });

  it('is a definePlugin() whose setup registers GET / answering the greeting', async () => {
    assert.equal(typeof plugin.setup, 'function');
    const routes: Array<{ method: string; path: string; handler: (c: unknown) => unknown }> = [];
    const ctx = {
      id: '${x.id}',
      config: { greeting: 'hi' },
      log: { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined },
      http: { route: (method: string, path: string, handler: (c: unknown) => unknown) => void routes.push({ method, path, handler }) },
    };
    plugin.setup(ctx as never);
    assert.deepEqual(routes.map((r) => \`\${r.method} \${r.path}\`), ['GET /']);
    const c = { json: (body: unknown) => new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } }) };
    const res = (await routes[0]!.handler(c)) as Response;
    assert.deepEqual(await res.json(), { message: 'hi from ${x.id}' });
  });
});
`,
    'README.md': `# xlive-plugin-${x.id}

An [xlive](https://github.com/) plugin, scaffolded by \`xlive plugins new ${x.id}\`.

- \`src/index.ts\` — the plugin: \`export default definePlugin({ setup(ctx) { … } })\` from \`xlive/sdk\`.
- \`package.json\` — its manifest in \`"xlive"\`: id, the plugin API it needs (\`apiVersion\`), kinds,
  permissions (the admin consents to them when enabling it) and the JSON Schema of its config
  (\`plugins.${x.id}\` in the box's config).
- \`test/index.test.ts\` — tests with \`node:test\`.

\`\`\`sh
npm run build          # tsc → dist/
npm test               # node --test
xlive plugins check .  # what the box would refuse, without starting it
npm pack               # xlive-plugin-${x.id}-0.1.0.tgz: only dist/src and README.md ("files")
\`\`\`

Install it on a box: \`xlive plugins install xlive-plugin-${x.id}-0.1.0.tgz\` (or upload it:
\`POST /api/v1/plugins\`), then \`xlive plugins enable ${x.id}\` (consents to its permissions) and restart
xlive. \`GET /plugins/${x.id}/\` then answers.

The SDK (\`${SDK_PACKAGE.name}\`, exports \`xlive/sdk\` and \`xlive/media\`) is a devDependency only: the box gives
every plugin its own copy at run time, so never bundle it or list it in "dependencies". Dependencies
the plugin needs at run time go in "dependencies" and "bundleDependencies" (they ship in the .tgz).
`,
  };
}
