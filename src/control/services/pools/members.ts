import type { Instance } from "../../domain/instance.ts";
import { memberStates } from "../../domain/pool-members.ts";
import type { InstanceStore } from "../../ports/instance-store.ts";

/** Most pages (of up to 100 records each) read per state when listing pool members. */
const pageLimit = 10;

/** Every live pool instance (of `pool`, or of any pool), from the instances table's state index. */
export async function listMembers(
  instances: Pick<InstanceStore, "list">,
  pool?: string,
): Promise<Instance[]> {
  const out: Instance[] = [];
  for (const state of memberStates) {
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await instances.list({
        state,
        limit: 100,
        pool: pool === undefined ? {} : { name: pool },
        ...(cursor ? { cursor } : {}),
      });
      pages++;
      out.push(...page.instances);
      cursor = page.next;
    } while (cursor && pages < pageLimit);
  }
  return out;
}
