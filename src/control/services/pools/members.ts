import type { Instance } from "../../domain/instance.ts";
import { memberStates } from "../../domain/pool-members.ts";
import type { InstanceStore } from "../../ports/instance-store.ts";

/** Most records read per state when listing pool members. */
const scanLimit = 1000;

/** Every live pool instance (of `pool`, or of any pool), from the instances table's state index. */
export async function listMembers(
  instances: Pick<InstanceStore, "list">,
  pool?: string,
): Promise<Instance[]> {
  const out: Instance[] = [];
  for (const state of memberStates) {
    let cursor: string | undefined;
    let read = 0;
    do {
      const page = await instances.list({ state, limit: 100, ...(cursor ? { cursor } : {}) });
      read += page.instances.length;
      for (const i of page.instances)
        if (i.pool !== null && (pool === undefined || i.pool === pool)) out.push(i);
      cursor = page.next;
    } while (cursor && read < scanLimit);
  }
  return out;
}
