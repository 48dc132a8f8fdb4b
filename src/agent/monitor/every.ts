/**
 * Calls `fn` every `ms` (the first time at once when `immediate`) until `signal` aborts; a run
 * never overlaps the previous one, and an error in one run does not stop the next.
 */
export function every(
  ms: number,
  signal: AbortSignal,
  fn: () => Promise<void>,
  onError: (err: unknown) => void,
  immediate = false,
): Promise<void> {
  return new Promise((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      if (signal.aborted) return resolve();
      try {
        await fn();
      } catch (err) {
        onError(err);
      }
      if (signal.aborted) return resolve();
      timer = setTimeout(tick, ms);
    };
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
    timer = setTimeout(tick, immediate ? 0 : ms);
  });
}
