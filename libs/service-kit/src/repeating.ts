// Work done every so often in the background (a clock, a sweep): never two runs at once, and stopping waits for the run under way.

export interface Repeating {
  /** Stops starting runs and waits for the one under way. */
  stop(): Promise<void>;
}

/**
 * Runs `work` every `everyMs`. A run still going when the next is due is not stacked on: that one is skipped.
 * A run that fails is handed to `onError`; the next one tries again.
 */
export function startRepeating(everyMs: number, work: () => Promise<unknown>, onError: (error: unknown) => void): Repeating {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = work()
      .then(() => undefined, onError)
      .finally(() => {
        running = undefined;
      });
  }, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
