import type { Instance } from "./instance.ts";

/** How a pool sees one of its instances. */
export type MemberRole = "busy" | "hot" | "starting" | "stopped" | "unhealthy";

/** Heartbeat thresholds that decide whether an idle member is alive. */
export interface MemberHealth {
  heartbeatTimeoutMs: number;
  bootGraceMs: number;
}

/** A pool instance, classified at `now`. */
export interface PoolMember {
  instance: Instance;
  role: MemberRole;
  /** Ms since the epoch since the member has been in its idle state (its last state change). */
  idleSince: number;
  /** Why the member is unhealthy; null otherwise. */
  problem: string | null;
}

/** The states of a pool instance that still exists. */
export const memberStates = ["pending", "running", "standby", "stopped", "offline"] as const;

/** What the provider reports of running machines: instance id → its state; absent ids are gone. */
export type ProviderView = ReadonlyMap<string, "pending" | "running">;

/**
 * Classifies a pool instance. A member with a job is busy. An idle member is hot once it has
 * heartbeated since its last state change, or — a member that never ran a job has no event key
 * yet, so its heartbeats cannot be signed — once the provider reports it running; starting
 * before that. Silent past the timeout, not running at the provider past the boot grace,
 * offline, or running with no job: unhealthy, replaced. Without a provider view, a member that
 * never heartbeated is judged by the boot grace alone.
 */
export function classifyMember(
  instance: Instance,
  now: number,
  health: MemberHealth,
  provider?: ProviderView,
): PoolMember {
  const changed = Date.parse(instance.updatedAt);
  const beat = instance.lastHeartbeatAt ? Date.parse(instance.lastHeartbeatAt) : null;
  const member = (role: MemberRole, problem: string | null = null): PoolMember => ({
    instance,
    role,
    idleSince: changed,
    problem,
  });
  if (instance.jobId) return member("busy");
  switch (instance.state) {
    case "stopped":
      return member("stopped");
    case "offline":
      return member("unhealthy", "offline");
    case "running":
      return member("unhealthy", "running with no job");
    case "terminated":
      return member("unhealthy", "terminated");
    default: {
      if (beat !== null && beat > changed)
        return now - beat > health.heartbeatTimeoutMs
          ? member("unhealthy", "silent")
          : member("hot");
      const booting = now - changed <= health.heartbeatTimeoutMs + health.bootGraceMs;
      if (provider?.get(instance.instanceId) === "running") return member("hot");
      if (booting) return member("starting");
      return member("unhealthy", provider ? "not running at the provider" : "never ready");
    }
  }
}
