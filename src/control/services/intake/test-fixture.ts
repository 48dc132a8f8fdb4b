import { silentLogger } from "../../../shared/logger.ts";
import { fixedClock } from "../../adapters/clock.ts";
import { createMemoryJobQueue } from "../../adapters/memory/job-queue.ts";
import { createMemoryJobStore } from "../../adapters/memory/job-store.ts";
import { createMemoryMarkerStore } from "../../adapters/memory/marker-store.ts";
import type { Job } from "../../domain/job.ts";
import type { WorkflowJobEvent } from "../../domain/workflow-job-event.ts";
import type { JobStore } from "../../ports/job-store.ts";
import { createIntake } from "./intake.ts";
import { createLabelResolver } from "./label-resolver.ts";

/** The fixed time of the intake tests. */
export const now = "2026-04-01T12:00:00.000Z";

/** A `workflow_job` delivery for job 7 (by default) of run 555 in `octo-org/app`. */
export function event(
  action: string,
  o: { id?: number; labels?: string[]; conclusion?: string; attempt?: number } = {},
): WorkflowJobEvent {
  return {
    action,
    workflow_job: {
      id: o.id ?? 7,
      run_id: 555,
      run_attempt: o.attempt ?? 1,
      name: "build",
      labels: o.labels ?? ["self-hosted", "runs-fleet/cpu=4/arch=arm64"],
      conclusion: o.conclusion ?? null,
      runner_name: action === "queued" ? null : "runs-fleet-7",
    },
    repository: { full_name: "octo-org/app" },
  };
}

/**
 * Intake on in-memory ports and a fixed clock, for the service tests beside it. `jobs` may wrap
 * the store (to lose races on purpose); the re-run hook records the jobs it is called with.
 */
export function intakeFixture(o: { jobs?: (store: JobStore) => JobStore; hook?: boolean } = {}) {
  const clock = fixedClock(Date.parse(now));
  const store = createMemoryJobStore({ clock });
  const jobs = o.jobs ? o.jobs(store) : store;
  const queue = createMemoryJobQueue({ clock });
  const markers = createMemoryMarkerStore({ clock });
  const concluded: Job[] = [];
  const intake = createIntake({
    jobs,
    queue,
    markers,
    clock,
    logger: silentLogger,
    resolveLabels: createLabelResolver({
      regions: ["us-east-1"],
      defaultRegion: "us-east-1",
      environments: ["default"],
    }),
    ...(o.hook === false
      ? {}
      : {
          async onInterruptedJobConcluded(job: Job) {
            concluded.push(job);
          },
        }),
  });
  const sent = async () => (await queue.receive({ max: 10, waitSeconds: 0 })).map((m) => m.message);
  return { intake, store, queue, markers, concluded, sent };
}
