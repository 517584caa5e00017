/**
 * Request body caps: one default (`http.bodyLimitBytes`) and larger ones for the few exact routes that
 * take uploads (a package, a backup archive), granted by their owner in the composition root.
 */
export class BodyLimits {
  private readonly larger = new Map<string, number>();

  constructor(readonly defaultBytes: number) {}

  /** Let `METHOD path` (an exact path, no parameters) take bodies up to `bytes`. */
  allow(method: string, path: string, bytes: number): void {
    this.larger.set(`${method.toUpperCase()} ${path}`, bytes);
  }

  limitFor(method: string, path: string): number {
    return this.larger.get(`${method.toUpperCase()} ${path}`) ?? this.defaultBytes;
  }
}
