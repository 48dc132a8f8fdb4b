import { NotFoundError } from "../../domain/errors.ts";
import { initialPoolState, type PoolState } from "../../domain/pool-state.ts";
import { retryOnConflict } from "../common/conflicts.ts";
import { iso } from "../common/time.ts";
import type { PoolDeps } from "./deps.ts";

type ControlDeps = Pick<PoolDeps, "definitions" | "states" | "clock" | "scheduleClock">;

/** Changes a defined pool's run-time state, version-checked (re-read on a lost race). */
async function change(
  deps: ControlDeps,
  name: string,
  edit: (state: PoolState) => Partial<PoolState>,
): Promise<PoolState> {
  if (!(await deps.definitions.get(name))) throw new NotFoundError(`no pool named ${name}`);
  return await retryOnConflict(`pool ${name}`, async () => {
    const at = iso(deps.clock.now());
    const current = (await deps.states.get(name)) ?? initialPoolState(name, at);
    return await deps.states.save({ ...current, ...edit(current), updatedAt: at }, current.version);
  });
}

/** Sets a temporary size that beats every schedule for `minutes`. */
export function resizePool(
  deps: ControlDeps,
  name: string,
  size: { hot: number; stopped: number; minutes: number },
): Promise<PoolState> {
  // Read on the schedules' clock, as the override is compared against it.
  const until = iso((deps.scheduleClock ?? deps.clock).now() + size.minutes * 60_000);
  return change(deps, name, () => ({
    override: { hot: size.hot, stopped: size.stopped, until },
  }));
}

/** Pauses (the reconciler leaves the pool alone) or resumes a pool. */
export function setPaused(deps: ControlDeps, name: string, paused: boolean): Promise<PoolState> {
  return change(deps, name, () => ({ paused }));
}
