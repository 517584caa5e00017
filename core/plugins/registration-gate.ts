import { PluginError } from '../errors/xlive-error.js';
import type { PluginPermission } from '../sdk/plugin.js';

/**
 * What a plugin registers during setup is staged here and committed only if setup returns normally;
 * after that, registration is closed. Permissions from the manifest are checked on every call.
 */
export class RegistrationGate {
  private open = true;
  private readonly staged: Array<() => void> = [];

  constructor(
    private readonly pluginId: string,
    private readonly permissions: readonly PluginPermission[],
  ) {}

  require(permission: PluginPermission, what: string): void {
    if (!this.permissions.includes(permission)) {
      throw new PluginError('PLUGIN_PERMISSION_DENIED', `plugin ${this.pluginId} needs the "${permission}" permission in its manifest to ${what}`);
    }
  }

  /** Stage a registration (only while setup runs). */
  stage(what: string, commit: () => void): void {
    if (!this.open) {
      throw new PluginError('PLUGIN_REGISTRATION_CLOSED', `plugin ${this.pluginId} tried to ${what} after setup returned; register everything in setup()`);
    }
    this.staged.push(commit);
  }

  /** Setup returned: apply the staged registrations, then close. */
  commit(): void {
    this.open = false;
    for (const apply of this.staged.splice(0)) apply();
  }

  /** Setup failed: forget the staged registrations, then close. */
  discard(): void {
    this.open = false;
    this.staged.length = 0;
  }
}
