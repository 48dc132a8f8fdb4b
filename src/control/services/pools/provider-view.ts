import { FleetTag } from "../../domain/launch-slot.ts";
import type { ProviderView } from "../../domain/pool-members.ts";
import type { Compute } from "../../ports/compute.ts";

/** The provider's pending and running pool machines (of `pool`, or of every pool). */
export async function providerView(
  compute: Pick<Compute, "describe">,
  filter: { pool?: string; instanceIds?: readonly string[] } = {},
): Promise<ProviderView> {
  const tags: Record<string, string> = { [FleetTag.managed]: "true" };
  if (filter.pool) tags[FleetTag.pool] = filter.pool;
  const machines = await compute.describe({
    tags,
    states: ["pending", "running"],
    ...(filter.instanceIds ? { instanceIds: filter.instanceIds } : {}),
  });
  return new Map(
    machines.map((m) => [m.instanceId, m.state === "running" ? "running" : "pending"] as const),
  );
}
