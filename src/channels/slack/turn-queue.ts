/** A FIFO of turn jobs run with bounded concurrency; jobs start in arrival order (the core keeps per-session order). */
import type { Logger } from '../../common/logger.js';

export class TurnQueue {
  private readonly jobs: (() => Promise<void>)[] = [];
  private running = 0;
  private idle: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly logger: Logger,
  ) {}

  /** Queues a turn; it starts when a slot is free. */
  push(job: () => Promise<void>): void {
    this.jobs.push(job);
    this.pump();
  }

  private pump(): void {
    while (this.running < this.concurrency && this.jobs.length > 0) {
      const job = this.jobs.shift()!;
      this.running++;
      void job()
        .catch((err: unknown) => this.logger.error({ err }, 'Slack turn failed'))
        // Yield between turns so that, under a burst, new requests are still verified and acknowledged in time.
        .then(() => new Promise((resolve) => setImmediate(resolve)))
        .finally(() => {
          this.running--;
          this.pump();
          if (this.running === 0 && this.jobs.length === 0) this.idle.splice(0).forEach((r) => r());
        });
    }
  }

  /** Resolves when every queued turn has finished. */
  drained(): Promise<void> {
    if (this.running === 0 && this.jobs.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }
}
