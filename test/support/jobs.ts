import type { Job } from "../../src/control/domain/job.ts";
import { defaultSpec as domainDefaultSpec } from "../../src/control/domain/labels-types.ts";
import type { Spec } from "../../src/control/domain/spec.ts";

/** A default spec, as the parser yields for a bare `runs-fleet` label. */
export const defaultSpec: Spec = domainDefaultSpec();

/** A queued job with sensible defaults; override what the test is about. */
export function sampleJob(overrides: Partial<Job> = {}): Job {
  return {
    jobId: "1",
    repo: "octo-org/example",
    runId: "42",
    runAttempt: 1,
    workflowName: "CI",
    jobName: "build",
    installationId: null,
    labels: ["runs-fleet"],
    spec: defaultSpec,
    candidates: [
      {
        instanceType: "c7g.large",
        vcpu: 2,
        memoryGiB: 4,
        arch: "arm64",
        onDemandUsdPerHour: 0.0725,
      },
    ],
    status: "queued",
    reason: null,
    retryCount: 0,
    forceOnDemand: false,
    instanceId: null,
    deliveryIds: ["d-1"],
    traceparent: null,
    conclusion: null,
    runnerName: null,
    lastEnqueuedAt: null,
    startedAt: null,
    completedAt: null,
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
    version: 1,
    ...overrides,
  };
}
