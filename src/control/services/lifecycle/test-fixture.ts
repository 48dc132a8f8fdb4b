import { EVENT_SIGNATURE_ATTRIBUTE, signEventBody } from "../../../shared/event-signature.ts";
import { silentLogger } from "../../../shared/logger.ts";
import { fixedClock } from "../../adapters/clock.ts";
import { createMemoryCircuitStore } from "../../adapters/memory/circuit-store.ts";
import { createMemoryEventQueue } from "../../adapters/memory/event-queue.ts";
import { createMemoryInstanceStore } from "../../adapters/memory/instance-store.ts";
import { createMemoryJobQueue } from "../../adapters/memory/job-queue.ts";
import { createMemoryJobStore } from "../../adapters/memory/job-store.ts";
import { createMemoryMarkerStore } from "../../adapters/memory/marker-store.ts";
import { createMemoryMetrics } from "../../adapters/memory/metrics.ts";
import { createMemoryRunnerConfigStore } from "../../adapters/memory/runner-config-store.ts";
import type { Instance } from "../../domain/instance.ts";
import type { Job } from "../../domain/job.ts";
import type { JobMessage } from "../../domain/job-message.ts";
import type { GitHub, GitHubJobStatus, JobRef } from "../../ports/github.ts";
import { createCircuitService } from "../common/circuits.ts";
import type { LifecycleDeps } from "./deps.ts";
import { createEventsConsumer, type EventSource } from "./events.ts";

/** The event key every seeded instance gets unless it brings its own. */
export const testKey = "5e".repeat(32);

/** A GitHub that answers job status from a table and records re-runs and runner removals. */
function recordingGitHub() {
  const statuses = new Map<string, GitHubJobStatus>();
  const reruns: JobRef[] = [];
  const removedRunners: string[] = [];
  const github: GitHub = {
    installation: async () => "installed",
    async createRunnerConfig() {
      throw new Error("the lifecycle flows never create runner configs");
    },
    jobStatus: async (job) => statuses.get(job.jobId) ?? "unknown",
    async rerunJob(job) {
      reruns.push(job);
      return "rerun";
    },
    async removeRunner(runner) {
      removedRunners.push(runner.runnerName);
      return "removed";
    },
    rateLimit: () => [],
  };
  return { github, statuses, reruns, removedRunners };
}

/**
 * The lifecycle flows on in-memory ports and a fixed clock, for the service tests beside them:
 * every port a test looks at afterwards is returned, and compute records what it terminated.
 */
export function lifecycleFixture(options: { start?: string; maxRetries?: number } = {}) {
  const clock = fixedClock(Date.parse(options.start ?? "2026-03-01T00:10:00.000Z"));
  const jobs = createMemoryJobStore({ clock });
  const instances = createMemoryInstanceStore({ clock });
  const queue = createMemoryJobQueue({ clock });
  const runnerConfigs = createMemoryRunnerConfigStore();
  const markers = createMemoryMarkerStore({ clock });
  const metrics = createMemoryMetrics();
  // No pause between lost races: the tests run on one thread and a fixed clock.
  const circuits = createCircuitService({
    store: createMemoryCircuitStore(),
    clock,
    sleep: async () => {},
  });
  const terminated: string[] = [];
  const gh = recordingGitHub();
  const deps: LifecycleDeps = {
    jobs,
    instances,
    queue,
    compute: {
      async terminate(ids) {
        terminated.push(...ids);
      },
    },
    circuits,
    github: gh.github,
    runnerConfigs,
    markers,
    clock,
    logger: silentLogger,
    metrics,
    ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
  };

  /** Stores a job and the instance it is bound to, as the launch step leaves them (keyed). */
  const seed = async (job: Job, instance?: Instance) => {
    await jobs.create(job);
    if (instance) await instances.create({ ...instance, eventKey: instance.eventKey ?? testKey });
  };

  /** The job messages sent so far, taken off the queue. */
  const sent = async (): Promise<JobMessage[]> => {
    const got = await queue.receive({ max: 10, waitSeconds: 0 });
    return got.flatMap((m) => (m.message ? [m.message] : []));
  };

  return {
    deps,
    ...gh,
    seed,
    sent,
    clock,
    jobs,
    instances,
    runnerConfigs,
    markers,
    metrics,
    circuits,
    terminated,
  };
}

/**
 * The events consumer over a fixture, with an in-memory events queue and a recording DLQ.
 * `deliver` sends one body and hands the received message to the consumer.
 */
export function eventsFixture(options: { deadLetter?: boolean } = {}) {
  const f = lifecycleFixture();
  const events = createMemoryEventQueue({ clock: f.clock });
  const ec2Events = createMemoryEventQueue({ clock: f.clock });
  const dead: { body: string; error: string }[] = [];
  const consumer = createEventsConsumer({
    ...f.deps,
    events,
    ec2Events,
    ...(options.deadLetter === false
      ? {}
      : {
          async deadLetter(body: string, error: string) {
            dead.push({ body, error });
          },
        }),
  });
  /** Receives the next visible message of a queue and lets the consumer handle it. */
  const next = async (from: EventSource = "agent") => {
    const queue = from === "ec2" ? ec2Events : events;
    const [m] = await queue.receive({ max: 1, waitSeconds: 0, visibilitySeconds: 60 });
    if (!m) throw new Error("no visible event");
    return { outcome: await consumer.handle(m, from), receiveCount: m.receiveCount };
  };
  /**
   * Sends one body where its sender would and has it handled: an EC2 event (`detail-type`) to
   * the EC2 events queue, anything else to the agents' queue signed with the key of the
   * instance it names, as its agent would (unsigned when that instance has no key).
   */
  const deliver = async (body: unknown) => {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    if (typeof body === "object" && body !== null && "detail-type" in body) {
      await ec2Events.send(text);
      return (await next("ec2")).outcome;
    }
    const named = (body as { instanceId?: unknown } | null)?.instanceId;
    const key = typeof named === "string" ? (await f.instances.get(named))?.eventKey : undefined;
    await events.send(
      text,
      key ? { [EVENT_SIGNATURE_ATTRIBUTE]: await signEventBody(key, text) } : undefined,
    );
    return (await next()).outcome;
  };
  return { ...f, events, ec2Events, consumer, dead, deliver, next };
}
