import { PluginError } from '../errors/xlive-error.js';
import type { PluginManifest } from '../sdk/plugin.js';

/** What the plugin list shows about a plugin's permissions and the admin's consent to them. */
export interface ConsentView {
  /** The permissions the manifest declares. */
  permissions: string[];
  /** External plugins (found in the plugins directory) run only with an admin's consent. */
  consentRequired: boolean;
  /** Consent is missing, or the plugin now declares a permission nobody consented to. */
  consentPending: boolean;
  /** The permissions consented to (null: never). */
  consentedPermissions: string[] | null;
}

/** Who changed a plugin's state, for the event log. */
export interface Actor {
  actor: string;
  ip: string;
}

export interface PluginEnablementDeps {
  state: { get(id: string): boolean | undefined; set(id: string, enabled: boolean): void };
  consent: { get(id: string): { permissions: string[] } | undefined; set(id: string, version: string, permissions: readonly string[], actor: string): void };
  /** Config `pluginHost.disable`: these stay off whatever was saved. */
  forcedOff: readonly string[];
  /** Record the change (`plugin.changed`). */
  record(message: string, data: Record<string, unknown>): void;
}

type Manifest = Pick<PluginManifest, 'id' | 'version' | 'source' | 'permissions' | 'enabledByDefault'>;

/**
 * Which plugins run, and consent: a built-in plugin runs unless disabled (saved state, else its
 * manifest default); an external one (found in the plugins directory) starts disabled and runs only
 * once an admin enabled it confirming exactly the permissions it declares (like a browser
 * extension). A new version that declares a permission not consented to is disabled again until
 * re-consented. Used by the host at load, by `PATCH /api/v1/plugins/:id` and by `xlive plugins enable`.
 */
export class PluginEnablement {
  constructor(private readonly deps: PluginEnablementDeps) {}

  consent(m: Pick<Manifest, 'id' | 'source' | 'permissions'>): ConsentView {
    const required = m.source === 'external';
    const given = required ? this.deps.consent.get(m.id) : undefined;
    return {
      permissions: [...m.permissions],
      consentRequired: required,
      consentPending: required && (given === undefined || !m.permissions.every((p) => given.permissions.includes(p))),
      consentedPermissions: given ? [...given.permissions] : null,
    };
  }

  /** Whether the host sets the plugin up at this start. */
  isEnabled(m: Manifest): boolean {
    if (this.deps.forcedOff.includes(m.id)) return false;
    const saved = this.deps.state.get(m.id);
    if (m.source !== 'external') return saved ?? m.enabledByDefault;
    return saved === true && !this.consent(m).consentPending;
  }

  /**
   * Enable or disable (applies at the next start). Enabling an external plugin needs `permissions`
   * to list exactly what its manifest declares; otherwise PluginError PLUGIN_CONSENT_REQUIRED (409)
   * with the declared list in `details.permissions`. The consent is stored with the plugin version.
   */
  set(m: Manifest, enabled: boolean, who: Actor, permissions?: unknown): void {
    const consenting = enabled && m.source === 'external';
    if (consenting && !sameSet(permissions, m.permissions)) {
      throw new PluginError(
        'PLUGIN_CONSENT_REQUIRED',
        `plugin ${m.id} is a third-party plugin; to enable it, confirm the permissions it declares: ` +
          `send {"enabled":true,"permissions":${JSON.stringify(m.permissions)}}`,
        { details: { plugin: m.id, version: m.version, permissions: [...m.permissions] } },
      );
    }
    if (consenting) this.deps.consent.set(m.id, m.version, m.permissions, who.actor);
    this.deps.state.set(m.id, enabled);
    const what = `${enabled ? 'enabled' : 'disabled'}${consenting ? ` with consent to [${m.permissions.join(', ')}]` : ''}`;
    this.deps.record(`plugin ${m.id} ${what} by ${who.actor} (applies at the next start)`, {
      plugin: m.id,
      enabled,
      ...(consenting ? { permissions: [...m.permissions], version: m.version } : {}),
      ...who,
    });
  }
}

function sameSet(given: unknown, declared: readonly string[]): boolean {
  if (!Array.isArray(given) || !given.every((p) => typeof p === 'string')) return false;
  const set = new Set(given as string[]);
  return set.size === given.length && set.size === declared.length && declared.every((p) => set.has(p));
}
