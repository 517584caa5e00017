import { PLUGIN_API_VERSION } from '../../../core/sdk/plugin.js';

/**
 * The SDK package a scaffolded plugin depends on (a devDependency: the box provides the SDK at run
 * time). `name` is the package that exports `xlive/sdk`, `xlive/sdk/testing` and `xlive/media`;
 * `range` is what the project asks for once the package is published — the plugin API this box
 * implements. Until then the project points at a local copy: `file:<tarball>` (`--sdk` or
 * XLIVE_SDK_TARBALL, the `npm pack` of the SDK) or `file:<this xlive's folder>`.
 */
export const SDK_PACKAGE = { name: 'xlive', range: `^${PLUGIN_API_VERSION}` } as const;

/** The dev tools of a scaffolded project, at the versions this repository builds with. */
export const SCAFFOLD_DEV_DEPENDENCIES = { typescript: '~5.9.0', '@types/node': '^20.19.0' } as const;

/** The environment variable naming the packed SDK (.tgz) a new project should use. */
export const SDK_TARBALL_ENV = 'XLIVE_SDK_TARBALL';
