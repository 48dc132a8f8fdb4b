import { CreateFleetCommand, CreateTagsCommand, type EC2Client } from "@aws-sdk/client-ec2";
import { type Logger, silentLogger } from "../../../shared/logger.ts";
import { FleetError, ValidationError } from "../../domain/errors.ts";
import type { LaunchSlot } from "../../domain/launch-slot.ts";
import { onDemandPlacement, type Placement } from "../../domain/placement.ts";
import type { Clock } from "../../ports/clock.ts";
import type {
  Compute,
  LaunchedInstance,
  LaunchRequest,
  LaunchResult,
} from "../../ports/compute.ts";
import { systemClock } from "../clock.ts";
import { ec2CodeError, ec2Error, isCapacityCode } from "./ec2-compute-errors.ts";
import {
  createFleetInput,
  defaultFleetSettings,
  type FleetInstance,
  type FleetSettings,
  fleetOverrides,
  placementTags,
  readFleetOutput,
} from "./ec2-compute-fleet.ts";
import { createInstanceOps } from "./ec2-compute-instances.ts";
import { createOfferingsCache } from "./ec2-compute-offerings.ts";

export interface Ec2ComputeOptions {
  client: EC2Client;
  /** The client's region; placements for another region are refused. */
  region: string;
  clock?: Clock;
  logger?: Logger;
  settings?: Partial<FleetSettings>;
  /** How long instance type offerings are cached. */
  offeringsTtlMs?: number;
  /** CreateTags calls in flight at once after a launch (they share EC2's rate limits). */
  tagConcurrency?: number;
}

interface Attempt {
  instances: FleetInstance[];
  /** What went wrong for the slots left without an instance; null when nothing was reported. */
  error: FleetError | null;
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (t: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Compute on EC2: instant fleets (spot first, on-demand fallback), tags, instance lifecycle. */
export function createEc2Compute(options: Ec2ComputeOptions): Compute {
  const { client } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const settings: FleetSettings = { ...defaultFleetSettings, ...options.settings };
  const offerings = createOfferingsCache({
    client,
    clock,
    ...(options.offeringsTtlMs === undefined ? {} : { ttlMs: options.offeringsTtlMs }),
  });
  const ops = createInstanceOps(client);

  async function zonesFor(p: Placement) {
    try {
      return await offerings.zonesOf(p.instanceTypes);
    } catch (err) {
      // Filtering is an optimisation: without it CreateFleet reports the unoffered pairs.
      logger.warn("instance type offerings unavailable", { error: err, region: p.region });
      return null;
    }
  }

  async function fleet(p: Placement, slots: readonly LaunchSlot[]): Promise<Attempt> {
    const overrides = fleetOverrides(p, await zonesFor(p), settings);
    if (overrides.length === 0) {
      const msg = `no subnet's zone offers any of ${p.instanceTypes.join(", ")} in ${p.region}`;
      return { instances: [], error: new FleetError("no_offerings", msg, { retryable: false }) };
    }
    const single = slots.length === 1 ? slots[0]!.tags : {};
    const input = createFleetInput(
      p,
      slots.length,
      overrides,
      { ...placementTags(p), ...single },
      settings,
    );
    try {
      const read = readFleetOutput(p, await client.send(new CreateFleetCommand(input)));
      const reported = read.errors.find((e) => isCapacityCode(e.code)) ?? read.errors[0];
      const error = reported ? ec2CodeError(reported.code, reported.message) : null;
      return { instances: read.instances, error };
    } catch (err) {
      return { instances: [], error: ec2Error(err) };
    }
  }

  async function tag(instance: LaunchedInstance, slot: LaunchSlot) {
    const Tags = Object.entries(slot.tags).map(([Key, Value]) => ({ Key, Value }));
    if (Tags.length === 0) return;
    try {
      await client.send(new CreateTagsCommand({ Resources: [instance.instanceId], Tags }));
    } catch (err) {
      // The instance runs and the job records its id; a missing tag only hides it from
      // tag-based views, which housekeeping repairs. Failing the slot would leak the instance.
      logger.warn("tagging a launched instance failed", {
        instanceId: instance.instanceId,
        slotId: slot.slotId,
        error: ec2Error(err),
      });
    }
  }

  return {
    async launch(request: LaunchRequest): Promise<LaunchResult> {
      const { placement, slots } = request;
      if (placement.region !== options.region) {
        throw new ValidationError(`placement for ${placement.region} sent to ${options.region}`);
      }
      if (new Set(slots.map((s) => s.slotId)).size !== slots.length) {
        throw new ValidationError("launch slots must have distinct ids");
      }
      const launched: LaunchedInstance[] = [];
      const surplus: string[] = [];
      const waiting = [...slots];
      const assign = (found: FleetInstance[]) => {
        for (const instance of found) {
          const slot = waiting.shift();
          if (slot === undefined) surplus.push(instance.instanceId);
          else launched.push({ ...instance, slotId: slot.slotId });
        }
      };

      let attempt = waiting.length > 0 ? await fleet(placement, waiting) : null;
      if (attempt) assign(attempt.instances);
      const noCapacity = attempt?.error === null || attempt?.error.code === "capacity";
      if (
        waiting.length > 0 &&
        placement.market === "spot" &&
        request.onDemandFallback !== false &&
        noCapacity
      ) {
        logger.info("no spot capacity, launching on-demand", {
          slots: waiting.map((s) => s.slotId),
          instanceTypes: placement.instanceTypes,
          error: attempt?.error ?? null,
        });
        attempt = await fleet(onDemandPlacement(placement, "capacity"), waiting);
        assign(attempt.instances);
      }
      const shortfall =
        attempt?.error ??
        new FleetError("capacity", "the fleet launched fewer instances than asked", {
          retryable: true,
        });
      const errors = waiting.map((s) => ({ slotId: s.slotId, error: shortfall }));

      const bySlot = new Map(slots.map((s) => [s.slotId, s]));
      await eachLimited(launched, options.tagConcurrency ?? 4, (i) =>
        tag(i, bySlot.get(i.slotId)!),
      );
      if (surplus.length > 0) {
        logger.warn("terminating instances launched beyond the request", { surplus });
        await ops.terminate(surplus).catch((err: unknown) => {
          logger.error("terminating surplus instances failed", { surplus, error: err });
        });
      }
      return { instances: launched, errors };
    },
    terminate: ops.terminate,
    stop: ops.stop,
    start: ops.start,
    describe: ops.describe,
  };
}
