/** EC2 bills per second with a one-minute minimum for each time an instance runs (Linux and Windows). */
export const minimumBilledSeconds = 60;

/** Seconds EC2 bills for a run of `lifetimeMs`: whole seconds, rounded up, at least a minute. */
export function billedSeconds(lifetimeMs: number): number {
  return Math.max(minimumBilledSeconds, Math.ceil(Math.max(0, lifetimeMs) / 1000));
}

/** USD for `seconds` at `usdPerHour`. */
export function usdFor(seconds: number, usdPerHour: number): number {
  return (seconds / 3600) * usdPerHour;
}

/** What one instance's run costs: lifetime (from launch to end) × the hourly price it launched at. */
export function instanceRunCost(usdPerHour: number, launchedAtMs: number, endedAtMs: number) {
  const seconds = billedSeconds(endedAtMs - launchedAtMs);
  return { billedSeconds: seconds, usd: usdFor(seconds, usdPerHour) };
}

/**
 * The share of a run's billed cost that falls inside `[from, to)`. The minimum-billing top-up
 * (a run shorter than a minute) is charged to the window the run started in, so days add up to
 * the whole bill.
 */
export function costInWindow(
  usdPerHour: number,
  run: { startMs: number; endMs: number },
  window: { from: number; to: number },
): { seconds: number; usd: number } {
  const start = Math.max(run.startMs, window.from);
  const end = Math.min(run.endMs, window.to);
  let seconds = Math.max(0, end - start) / 1000;
  const lifetime = Math.max(0, run.endMs - run.startMs) / 1000;
  if (run.startMs >= window.from && run.startMs < window.to)
    seconds += billedSeconds(lifetime * 1000) - lifetime;
  return { seconds, usd: usdFor(seconds, usdPerHour) };
}

/** Rounds USD to a tenth of a cent for display and storage (sums stay exact before). */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e4) / 1e4;
}
