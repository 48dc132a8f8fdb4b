import type { ImdsClient, Rebalance, SpotAction } from "../imds/client.ts";

/** A notice from IMDS that EC2 is about to reclaim, or may soon reclaim, the instance. */
export type Notice =
  | { kind: "spot"; action: SpotAction }
  | { kind: "rebalance"; rebalance: Rebalance };

/**
 * Looks at IMDS once and returns notices not seen before: a spot instance-action and a
 * rebalance recommendation are each reported once per agent run.
 */
export function createInterruptionCheck(imds: ImdsClient): () => Promise<Notice[]> {
  let spotSeen = false;
  let rebalanceSeen = false;
  return async () => {
    const [action, rebalance] = await Promise.all([
      spotSeen ? undefined : imds.spotAction(),
      rebalanceSeen ? undefined : imds.rebalance(),
    ]);
    const out: Notice[] = [];
    if (action) {
      spotSeen = true;
      out.push({ kind: "spot", action });
    }
    if (rebalance) {
      rebalanceSeen = true;
      out.push({ kind: "rebalance", rebalance });
    }
    return out;
  };
}

/**
 * When to stop the runner after a spot notice: early enough that it has ended (`graceMs`) and
 * the `completed` event has left (`marginMs`) before EC2 acts. Never before `now`.
 */
export function spotStopAt(
  actionTime: string,
  now: number,
  graceMs: number,
  marginMs: number,
): number {
  const at = Date.parse(actionTime);
  if (Number.isNaN(at)) return now;
  return Math.max(now, at - graceMs - marginMs);
}
