import { ConflictError } from '../errors/xlive-error.js';
import type { StorageProvider } from '../sdk/storage.js';

/** Storage providers by name; the first registered is the default. */
export class StorageRegistry {
  private readonly providers = new Map<string, StorageProvider>();

  register(provider: StorageProvider): void {
    if (this.providers.has(provider.name)) throw new ConflictError(`storage provider "${provider.name}" is already registered`);
    this.providers.set(provider.name, provider);
  }

  get(name?: string): StorageProvider | undefined {
    return name === undefined ? this.providers.values().next().value : this.providers.get(name);
  }

  all(): StorageProvider[] {
    return [...this.providers.values()];
  }
}
