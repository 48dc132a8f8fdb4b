import { FleetTag } from "../control/domain/launch-slot.ts";
import type { EventQueue } from "../control/ports/event-queue.ts";
import type { RunnerConfigStore } from "../control/ports/runner-config-store.ts";
import type { SimEc2, SimInstance } from "./ec2.ts";
import type { Engine } from "./engine.ts";
import type { SimGitHub } from "./github.ts";
import { signBody } from "./signature.ts";

/** What the agent of one instance holds once it has its runner config. */
interface AgentState {
  key: string;
  jobId: string;
  done: boolean;
  seq: number;
}

/**
 * The agent, reduced to what the control plane sees of it: after the boot it reads and deletes
 * its runner config, then sends signed `started`, heartbeats, `interrupted` on a spot notice and
 * `completed` at the job's end, and shuts its instance down.
 */
export function createSimAgents(o: {
  engine: Engine;
  ec2: () => SimEc2;
  github: SimGitHub;
  /** The plane's queue and config store (given late: the plane is built after EC2). */
  events: () => Pick<EventQueue, "send">;
  runnerConfigs: () => Pick<RunnerConfigStore, "get" | "delete">;
  heartbeatMs: number;
  /** Longest an agent waits for its config before it ends its instance. */
  standbyMs: number;
  onStarted(jobId: string, instance: SimInstance): void;
  onCompleted(jobId: string): void;
}) {
  const { engine } = o;
  const clock = engine.clock;
  const agents = new Map<string, AgentState>();

  const send = async (i: SimInstance, a: AgentState, event: Record<string, unknown>) => {
    const body = JSON.stringify({
      id: `${i.info.instanceId}-${++a.seq}`,
      instanceId: i.info.instanceId,
      jobId: a.jobId,
      at: new Date(clock.now()).toISOString(),
      ...event,
    });
    // The consumer verifies every signature, as it does an agent's.
    await o.events().send(body, { signature: signBody(a.key, body) });
  };

  const heartbeat = async (i: SimInstance, a: AgentState) => {
    if (a.done || !o.ec2().isLive(i)) return;
    const uptime = Math.round((clock.now() - (i.info.launchedAt ?? clock.now())) / 1000);
    await send(i, a, { type: "heartbeat", uptimeSeconds: uptime, phase: "running" });
    engine.after(o.heartbeatMs, () => heartbeat(i, a));
  };

  /** Instances whose agent waits for its runner config, and when it gives up (null: never). */
  const standby = new Map<string, { instance: SimInstance; until: number | null }>();

  const takeConfig = async (i: SimInstance) => {
    const ec2 = o.ec2();
    if (!ec2.isLive(i) || agents.has(i.info.instanceId)) return;
    // A spot notice seen before the job starts ends standby, as the agent's monitor does: there
    // is no job to protect, and the instance ends anyway.
    if (i.interrupted) {
      standby.delete(i.info.instanceId);
      return;
    }
    const config = await o.runnerConfigs().get(i.info.instanceId);
    if (config?.kind !== "dry-run" || !config.eventKey) return;
    standby.delete(i.info.instanceId);
    await o.runnerConfigs().delete(i.info.instanceId);
    const a: AgentState = { key: config.eventKey, jobId: config.jobId, done: false, seq: 0 };
    agents.set(i.info.instanceId, a);
    await send(i, a, { type: "started", agentVersion: "sim", instanceType: i.info.instanceType });
    o.github.pickedUp(a.jobId);
    o.onStarted(a.jobId, i);
    engine.after(o.heartbeatMs, () => heartbeat(i, a));
    const seconds = config.durationSeconds;
    engine.after(seconds * 1000, async () => {
      if (a.done || !o.ec2().isLive(i)) return;
      a.done = true;
      await send(i, a, { type: "completed", status: "success", durationSeconds: seconds });
      o.github.finished(a.jobId);
      o.onCompleted(a.jobId);
      agents.delete(i.info.instanceId);
      // A pool member waits for its next job (the control plane ends it if its pool is full);
      // any other instance shuts itself down.
      if (i.info.tags[FleetTag.pool]) standby.set(i.info.instanceId, { instance: i, until: null });
      else engine.after(5000, () => o.ec2().shutdown(i));
    });
  };

  const boot = async (i: SimInstance) => {
    const ec2 = o.ec2();
    if (!ec2.isLive(i)) return;
    ec2.running(i);
    const until = i.info.tags[FleetTag.pool] ? null : clock.now() + o.standbyMs;
    standby.set(i.info.instanceId, { instance: i, until });
    if (until !== null)
      engine.after(o.standbyMs, () => {
        const waiting = standby.get(i.info.instanceId);
        if (waiting && waiting.until !== null && clock.now() >= waiting.until) {
          standby.delete(i.info.instanceId);
          o.ec2().shutdown(i);
        }
      });
    await takeConfig(i);
  };

  return {
    /** EC2 started (or restarted) an instance: it boots for `bootMs`. */
    launched(i: SimInstance, bootMs: number) {
      engine.after(bootMs, () => boot(i));
    },
    /**
     * A runner config was written for an instance: its agent, polling the store, finds it a
     * couple of seconds later (the harness is told instead of polling, to keep events few).
     */
    configWritten(instanceId: string) {
      const waiting = standby.get(instanceId);
      if (waiting) engine.after(2000, () => takeConfig(waiting.instance));
    },
    /** A spot interruption notice reached the instance. */
    async noticed(i: SimInstance) {
      const a = agents.get(i.info.instanceId);
      if (!a || a.done) return;
      const actionAt = new Date(clock.now() + 120_000).toISOString();
      await send(i, a, { type: "interrupted", kind: "spot", action: "terminate", actionAt });
    },
    /** The instance is gone (or stopped); a job it was running is lost to GitHub. */
    ended(i: SimInstance) {
      const a = agents.get(i.info.instanceId);
      agents.delete(i.info.instanceId);
      standby.delete(i.info.instanceId);
      if (a && !a.done) {
        a.done = true;
        o.github.runnerLost(a.jobId);
      }
    },
  };
}
