import {
  DescribeInstancesCommand,
  type EC2Client,
  type Filter,
  type Instance,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { NotFoundError } from "../../domain/errors.ts";
import type { InstanceFilter, InstanceInfo, InstanceState } from "../../ports/compute.ts";
import { ec2Error } from "./ec2-compute-errors.ts";

/** EC2 takes at most this many instance ids per call. */
const idsPerCall = 1000;

const states: readonly InstanceState[] = [
  "pending",
  "running",
  "stopping",
  "stopped",
  "shutting-down",
  "terminated",
];

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function toInfo(i: Instance): InstanceInfo {
  const state = states.find((s) => s === i.State?.Name) ?? "pending";
  return {
    instanceId: i.InstanceId ?? "",
    instanceType: i.InstanceType ?? "",
    market: i.InstanceLifecycle === "spot" ? "spot" : "on-demand",
    state,
    az: i.Placement?.AvailabilityZone ?? "",
    subnetId: i.SubnetId ?? null,
    launchedAt: i.LaunchTime ? i.LaunchTime.getTime() : null,
    tags: Object.fromEntries((i.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""])),
  };
}

/** Terminate, stop, start and describe, with errors translated to ours. */
export function createInstanceOps(client: EC2Client) {
  async function terminateChunk(ids: string[], retried: boolean): Promise<void> {
    try {
      await client.send(new TerminateInstancesCommand({ InstanceIds: ids }));
    } catch (err) {
      const e = ec2Error(err);
      if (!(e instanceof NotFoundError) || retried) throw e;
      // The message names the ids that are gone; terminate the rest.
      const gone = new Set(e.message.match(/i-[0-9a-f]+/g) ?? []);
      const rest = ids.filter((id) => !gone.has(id));
      if (rest.length === ids.length) throw e;
      if (rest.length > 0) await terminateChunk(rest, true);
    }
  }

  async function each(ids: readonly string[], call: (chunk: string[]) => Promise<unknown>) {
    for (const chunk of chunks([...new Set(ids)], idsPerCall)) {
      try {
        await call(chunk);
      } catch (err) {
        throw ec2Error(err);
      }
    }
  }

  return {
    /** Terminates instances; ids EC2 no longer knows are skipped. */
    async terminate(ids: readonly string[]): Promise<void> {
      for (const chunk of chunks([...new Set(ids)], idsPerCall)) await terminateChunk(chunk, false);
    },
    /** Stops instances. */
    stop: (ids: readonly string[]) =>
      each(ids, (c) => client.send(new StopInstancesCommand({ InstanceIds: c }))),
    /** Starts stopped instances. */
    start: (ids: readonly string[]) =>
      each(ids, (c) => client.send(new StartInstancesCommand({ InstanceIds: c }))),
    /** Instances with every given tag and any of the given states. */
    async describe(filter: InstanceFilter): Promise<InstanceInfo[]> {
      const Filters: Filter[] = Object.entries(filter.tags ?? {}).map(([k, value]) => ({
        Name: `tag:${k}`,
        Values: [value],
      }));
      if (filter.states && filter.states.length > 0) {
        Filters.push({ Name: "instance-state-name", Values: [...filter.states] });
      }
      const ids = filter.instanceIds ? [...filter.instanceIds] : undefined;
      if (ids?.length === 0) return [];
      const out: InstanceInfo[] = [];
      let token: string | undefined;
      try {
        do {
          const res = await client.send(
            new DescribeInstancesCommand({
              ...(Filters.length > 0 ? { Filters } : {}),
              // MaxResults may not be combined with instance ids.
              ...(ids ? { InstanceIds: ids } : { MaxResults: 1000 }),
              ...(token ? { NextToken: token } : {}),
            }),
          );
          for (const r of res.Reservations ?? [])
            for (const i of r.Instances ?? []) out.push(toInfo(i));
          token = res.NextToken;
        } while (token);
      } catch (err) {
        throw ec2Error(err);
      }
      return out;
    },
  };
}
