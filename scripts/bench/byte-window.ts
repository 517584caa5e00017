/** Bytes counted only while the measurement window is open. */
export class ByteWindow {
  /** Bytes received while the window was open. */
  windowBytes = 0;
  private open = false;

  get counting(): boolean {
    return this.open;
  }

  openWindow(): void {
    this.windowBytes = 0;
    this.open = true;
  }

  closeWindow(): void {
    this.open = false;
  }

  bytes(n: number): void {
    if (this.open) this.windowBytes += n;
  }
}
