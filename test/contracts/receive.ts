/** Waits `ms` on a timer (long-poll and visibility cases against real servers). */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Receives until `count` messages came or `rounds` receives came back empty. */
export async function receiveAll<T>(
  queue: {
    receive(o: { max: number; waitSeconds: number; visibilitySeconds?: number }): Promise<T[]>;
  },
  count: number,
  rounds = 3,
): Promise<T[]> {
  const got: T[] = [];
  for (let empty = 0; got.length < count && empty < rounds; ) {
    const batch = await queue.receive({ max: 10, waitSeconds: 0, visibilitySeconds: 30 });
    if (batch.length === 0) empty++;
    got.push(...batch);
  }
  return got;
}
