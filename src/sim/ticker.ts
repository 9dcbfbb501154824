/** Runs an async tick on a timer. */
export interface Ticker {
  /** Starts the timer; a second start while running does nothing. */
  start(intervalMs: number): void;
  /** Stops the timer; a tick already running may still finish. */
  stop(): void;
}

/**
 * A Ticker calling `tick` every `intervalMs`. A tick still running when the next one is due makes that one skip,
 * so slow ticks never pile up; a failing tick goes to `onError` and the timer carries on.
 */
export function ticker(tick: () => Promise<void>, onError: (e: unknown) => void): Ticker {
  let timer: ReturnType<typeof setInterval> | undefined;
  let busy = false;
  return {
    start(intervalMs) {
      if (timer !== undefined) return;
      timer = setInterval(() => {
        if (busy) return;
        busy = true;
        tick()
          .catch(onError)
          .finally(() => {
            busy = false;
          });
      }, intervalMs);
    },
    stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
  };
}
