import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import { type FakeImds, startFakeImds } from "../../../shared/fake-imds.ts";
import type { Logger } from "../../../shared/logger.ts";
import { NotFoundError } from "../../domain/errors.ts";
import type {
  Compute,
  InstanceInfo,
  InstanceState,
  LaunchRequest,
  LaunchResult,
} from "../../ports/compute.ts";

/** How to start the program that plays an instance (normally the agent). */
export interface LocalAgentSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
}

export interface LocalComputeOptions {
  /** Builds the process for an instance; called on every launch and start. */
  agent(instance: {
    instanceId: string;
    imdsEndpoint: string | null;
    tags: Record<string, string>;
    pool: string | null;
  }): LocalAgentSpec;
  /** Where each instance's output goes (`<logDir>/<instanceId>.log`). */
  logDir: string;
  /** Give each instance its own fake IMDS (so spot notices can be injected). Default true. */
  imds?: boolean;
  /** Seconds between SIGTERM and SIGKILL on terminate and stop. */
  graceSeconds?: number;
  /** Called when an instance's process ends on its own or is ended (EC2's state-change events). */
  onStateChange?(instanceId: string, state: InstanceState): void;
  /** Prefix of instance ids (`local-` by default); ids are `<prefix><n>`. */
  idPrefix?: string;
  logger: Logger;
  now?: () => number;
}

interface LocalInstance {
  info: InstanceInfo;
  /** The process died but the instance "runs on" (its agent crashed). */
  agentOnly?: boolean;
  child: ChildProcess | null;
  imds: FakeImds | null;
}

/**
 * Compute for local mode: each "instance" is a child process in its own process group. Ids are
 * `local-<n>`, unique in this process's lifetime (a timestamp keeps them unique across restarts).
 */
export function createLocalCompute(options: LocalComputeOptions): Compute & {
  /** Number of `launch` calls (the local stand-in for CreateFleet calls). */
  launchCalls(): number;
  /** Makes the instance's IMDS announce a spot interruption two minutes from now. */
  interrupt(instanceId: string, kind?: "spot" | "rebalance"): void;
  /**
   * Kills an instance's processes with SIGKILL, as a crash would. With `agentOnly`, only the
   * agent dies and the "instance" is still up: no state change is reported, as on EC2 when the
   * agent crashes but the machine runs on (heartbeats stop; housekeeping must notice).
   */
  kill(instanceId: string, options?: { agentOnly?: boolean }): void;
  /** Ends every instance (shutdown of local mode). */
  close(): Promise<void>;
} {
  const now = options.now ?? (() => Date.now());
  const prefix = options.idPrefix ?? `local-${now().toString(36)}-`;
  const graceMs = (options.graceSeconds ?? 5) * 1000;
  const registry = new Map<string, LocalInstance>();
  let counter = 0;
  let calls = 0;
  mkdirSync(options.logDir, { recursive: true });

  const setState = (inst: LocalInstance, state: InstanceState) => {
    if (inst.info.state === state) return;
    inst.info.state = state;
    options.onStateChange?.(inst.info.instanceId, state);
  };

  const spawnFor = (inst: LocalInstance) => {
    const spec = options.agent({
      instanceId: inst.info.instanceId,
      imdsEndpoint: inst.imds?.endpoint ?? null,
      tags: inst.info.tags,
      pool: inst.info.tags["runs-fleet:pool"] ?? null,
    });
    const log = openSync(join(options.logDir, `${inst.info.instanceId}.log`), "a");
    const child = spawn(spec.command, spec.args, {
      env: spec.env,
      detached: true,
      stdio: ["ignore", log, log],
    });
    inst.child = child;
    setState(inst, "running");
    child.once("exit", (code, signal) => {
      if (inst.child !== child) return;
      inst.child = null;
      options.logger.info("local instance exited", {
        instanceId: inst.info.instanceId,
        code,
        signal,
      });
      if (inst.agentOnly) return;
      if (inst.info.state === "stopping") setState(inst, "stopped");
      else if (inst.info.state !== "stopped") {
        setState(inst, "terminated");
        void inst.imds?.stop();
      }
    });
    child.once("error", (err) =>
      options.logger.error("local instance failed to start", {
        instanceId: inst.info.instanceId,
        error: err,
      }),
    );
  };

  /** Signals the whole process group, then kills it after the grace period. */
  const end = async (inst: LocalInstance) => {
    const child = inst.child;
    if (!child?.pid || child.exitCode !== null) return;
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }, graceMs);
    await exited;
    clearTimeout(timer);
  };

  const find = (id: string) => {
    const inst = registry.get(id);
    if (!inst) throw new NotFoundError(`no local instance ${id}`);
    return inst;
  };

  return {
    async launch(request: LaunchRequest): Promise<LaunchResult> {
      calls++;
      const p = request.placement;
      const instanceType = p.instanceTypes[0] ?? "local";
      const subnet = p.subnets[0];
      const result: LaunchResult = { instances: [], errors: [] };
      for (const slot of request.slots) {
        const instanceId = `${prefix}${++counter}`;
        const tags = { ...slot.tags };
        const imds =
          options.imds === false
            ? null
            : await startFakeImds({
                instanceId,
                instanceType,
                region: p.region,
                az: subnet?.az ?? `${p.region}a`,
                tags,
              });
        const inst: LocalInstance = {
          info: {
            instanceId,
            instanceType,
            market: p.market,
            state: "pending",
            az: subnet?.az ?? `${p.region}a`,
            subnetId: subnet?.subnetId ?? null,
            launchedAt: now(),
            tags,
          },
          child: null,
          imds,
        };
        registry.set(instanceId, inst);
        spawnFor(inst);
        result.instances.push({
          slotId: slot.slotId,
          instanceId,
          instanceType,
          market: p.market,
          az: inst.info.az,
          subnetId: inst.info.subnetId ?? "",
        });
      }
      return result;
    },

    async terminate(ids) {
      await Promise.all(
        ids.map(async (id) => {
          const inst = registry.get(id);
          if (!inst || inst.info.state === "terminated") return;
          setState(inst, "shutting-down");
          await end(inst);
          setState(inst, "terminated");
          await inst.imds?.stop();
        }),
      );
    },

    async stop(ids) {
      await Promise.all(
        ids.map(async (id) => {
          const inst = find(id);
          if (inst.info.state === "stopped" || inst.info.state === "terminated") return;
          setState(inst, "stopping");
          await end(inst);
          setState(inst, "stopped");
        }),
      );
    },

    async start(ids) {
      for (const id of ids) {
        const inst = find(id);
        if (inst.info.state !== "stopped") continue;
        inst.imds?.clearNotices();
        spawnFor(inst);
      }
    },

    async describe(filter) {
      return [...registry.values()]
        .map((i) => ({ ...i.info, tags: { ...i.info.tags } }))
        .filter((i) => !filter.states || filter.states.includes(i.state))
        .filter((i) => !filter.instanceIds || filter.instanceIds.includes(i.instanceId))
        .filter((i) => Object.entries(filter.tags ?? {}).every(([k, v]) => i.tags[k] === v));
    },

    launchCalls: () => calls,

    interrupt(instanceId, kind = "spot") {
      const inst = find(instanceId);
      if (!inst.imds) throw new NotFoundError(`local instance ${instanceId} has no IMDS`);
      if (kind === "spot") inst.imds.setSpotAction("terminate", new Date(now() + 120_000));
      else inst.imds.setRebalance(new Date(now()));
    },

    kill(instanceId, killOptions: { agentOnly?: boolean } = {}) {
      const inst = find(instanceId);
      if (killOptions.agentOnly) inst.agentOnly = true;
      const child = inst.child;
      if (child?.pid) process.kill(-child.pid, "SIGKILL");
    },

    async close() {
      await Promise.all(
        [...registry.values()].map(async (i) => {
          await end(i);
          await i.imds?.stop();
        }),
      );
    },
  };
}
