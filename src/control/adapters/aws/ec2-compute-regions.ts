import { type Logger, silentLogger } from "../../../shared/logger.ts";
import { NotFoundError, ValidationError } from "../../domain/errors.ts";
import type { Compute, InstanceFilter, InstanceInfo } from "../../ports/compute.ts";

export interface RegionalComputeOptions {
  /** The control plane's region: records without a region, and ids found nowhere, mean it. */
  home: string;
  /** One compute per configured region, each with that region's client (built once). */
  regions: ReadonlyMap<string, Compute>;
  /** The recorded region of each id it knows (the instances table); unknown ids are left out. */
  locate(instanceIds: readonly string[]): Promise<Map<string, string>>;
  logger?: Logger;
}

/** The most instance ids whose region is remembered from launches and listings. */
const rememberedIds = 10_000;

/**
 * One Compute over several regions: a launch goes to its placement's region, a call on an
 * instance to the region it runs in (remembered from launches and listings, else its record,
 * else found by listing every region), and a listing covers every region.
 */
export function createRegionalCompute(options: RegionalComputeOptions): Compute {
  const logger = options.logger ?? silentLogger;
  const home = options.regions.get(options.home);
  if (!home) throw new ValidationError(`no compute for the home region ${options.home}`);
  const known = new Map<string, string>();
  const remember = (id: string, region: string) => {
    known.delete(id);
    known.set(id, region);
    // A Map iterates oldest first: drop the oldest past the bound.
    if (known.size > rememberedIds) known.delete(known.keys().next().value as string);
  };
  const computeOf = (region: string) => {
    const c = options.regions.get(region);
    if (!c) throw new ValidationError(`region ${region} is not configured`);
    return c;
  };

  /** Ids grouped by region; `null` holds the ids of no known region. */
  async function byRegion(ids: readonly string[]): Promise<Map<string | null, string[]>> {
    const unique = [...new Set(ids)];
    const unknown = unique.filter((id) => !known.has(id));
    const found = unknown.length > 0 ? await options.locate(unknown) : new Map<string, string>();
    const groups = new Map<string | null, string[]>();
    for (const id of unique) {
      const region = known.get(id) ?? found.get(id) ?? null;
      const target = region !== null && options.regions.has(region) ? region : null;
      groups.set(target, [...(groups.get(target) ?? []), id]);
    }
    return groups;
  }

  /**
   * Runs `call` in each instance's region. Ids of no known region (no record, never listed) are
   * found by listing every region first; ids found nowhere go to the home region, whose answer
   * (gone, not found) is the caller's.
   */
  async function onInstances(
    ids: readonly string[],
    call: (c: Compute, ids: string[]) => Promise<void>,
  ): Promise<void> {
    const groups = await byRegion(ids);
    const lost = groups.get(null);
    if (lost) {
      groups.delete(null);
      const listed = await describeAll({ instanceIds: lost });
      for (const i of listed) {
        const region = i.region ?? options.home;
        groups.set(region, [...(groups.get(region) ?? []), i.instanceId]);
      }
      const nowhere = lost.filter((id) => !listed.some((i) => i.instanceId === id));
      if (nowhere.length > 0) {
        logger.info("instances not found in any region; asking the home region", { nowhere });
        groups.set(options.home, [...(groups.get(options.home) ?? []), ...nowhere]);
      }
    }
    for (const [region, group] of groups) if (region !== null) await call(computeOf(region), group);
  }

  /** The instances of `filter` in one region; asked by id, ids the region lacks are left out. */
  async function describeIn(region: string, filter: InstanceFilter): Promise<InstanceInfo[]> {
    const compute = computeOf(region);
    try {
      return (await compute.describe(filter)).map((i) => ({ ...i, region }));
    } catch (err) {
      const ids = filter.instanceIds ?? [];
      if (!(err instanceof NotFoundError) || ids.length === 0) throw err;
      // One unknown id fails the whole call: ask the ids one at a time (a rare, small list).
      if (ids.length === 1) return [];
      const each = await Promise.all(
        ids.map((id) => describeIn(region, { ...filter, instanceIds: [id] })),
      );
      return each.flat();
    }
  }

  async function describeAll(filter: InstanceFilter): Promise<InstanceInfo[]> {
    const lists = await Promise.all([...options.regions.keys()].map((r) => describeIn(r, filter)));
    const out = lists.flat();
    for (const i of out) remember(i.instanceId, i.region ?? options.home);
    return out;
  }

  return {
    async launch(request) {
      const { region } = request.placement;
      const result = await computeOf(region).launch(request);
      for (const i of result.instances) remember(i.instanceId, region);
      return result;
    },
    async terminate(ids) {
      // Sent to the wrong region an id would be skipped as gone, so each goes to its own.
      await onInstances(ids, (c, group) => c.terminate(group));
    },
    async stop(ids) {
      await onInstances(ids, (c, group) => c.stop(group));
    },
    async start(ids) {
      await onInstances(ids, (c, group) => c.start(group));
    },
    async describe(filter) {
      if (!filter.instanceIds || filter.instanceIds.length === 0) return await describeAll(filter);
      const out: InstanceInfo[] = [];
      for (const [region, group] of await byRegion(filter.instanceIds)) {
        const asked = { ...filter, instanceIds: group };
        if (region === null) {
          out.push(...(await describeAll(asked)));
          continue;
        }
        out.push(...(await describeIn(region, asked)));
      }
      return out;
    },
  };
}
