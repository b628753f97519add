/**
 * Downloads beyond a limit wait their turn: at most `limit` tasks run at once, and waiting ones start in the
 * order they were added. The limit can change live (a higher limit starts waiting tasks at once; a lower one
 * lets running tasks finish).
 */
export class DownloadQueue {
  private running = 0;
  private readonly waiting: { start: () => void }[] = [];

  constructor(private limit: number) {}

  get runningCount(): number {
    return this.running;
  }

  get waitingCount(): number {
    return this.waiting.length;
  }

  setLimit(limit: number): void {
    this.limit = Math.max(1, Math.floor(limit));
    this.startWaiting();
  }

  /** Runs `task` when its turn comes; resolves or rejects with its result. */
  run<T>(task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({
        start: () => {
          this.running++;
          task()
            .then(resolve, reject)
            .finally(() => {
              this.running--;
              this.startWaiting();
            });
        },
      });
      this.startWaiting();
    });
  }

  private startWaiting(): void {
    while (this.running < this.limit && this.waiting.length > 0) this.waiting.shift()?.start();
  }
}
