import * as v from "valibot";

/** What operators set on a pool at run time (the pools table), beside its definition. */
export const PoolStateSchema = v.object({
  name: v.string(),
  /** A paused pool keeps its members but the reconciler leaves it alone. */
  paused: v.boolean(),
  /** A temporary size; it beats every schedule until `until` (ISO). */
  override: v.nullable(v.object({ hot: v.number(), stopped: v.number(), until: v.string() })),
  updatedAt: v.string(),
  version: v.number(),
});
export type PoolState = v.InferOutput<typeof PoolStateSchema>;

/** The state of a pool nobody has touched. */
export function initialPoolState(name: string, at: string): PoolState {
  return { name, paused: false, override: null, updatedAt: at, version: 0 };
}
