/** Where the box listens (HTTP and each protocol plugin's listeners). */
export class ListenerBook {
  private readonly entries = new Map<string, { host: string; port: number }>();

  report(name: string, address: { host: string; port: number }): void {
    this.entries.set(name, { ...address });
  }

  all(): Record<string, { host: string; port: number }> {
    return Object.fromEntries(this.entries);
  }
}
