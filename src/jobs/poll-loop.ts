/** A polling loop: `tick` every `intervalMs` until stop(), one at a time; a failing tick is reported and the loop goes on. */
export class PollLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = true;

  start(tick: () => Promise<unknown>, intervalMs: number, onError?: (error: unknown) => void): void {
    if (!this.stopped) return;
    this.stopped = false;
    const next = (): void => {
      this.running = tick()
        .catch((error: unknown) => onError?.(error))
        .finally(() => {
          // Unref'd: a pending poll must not keep a finished process alive.
          if (!this.stopped) this.timer = setTimeout(next, intervalMs).unref();
        });
    };
    next();
  }

  /** Stops polling; resolves once the tick in progress has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
