/**
 * Signed `workflow_job queued` deliveries built from GitHub's own example payload, each with a
 * new job id, signed with `@octokit/webhooks-methods` as GitHub would sign them. Made before a
 * measurement starts, so signing is not part of what is measured.
 */
import { sign } from "@octokit/webhooks-methods";
import * as v from "valibot";
import { BENCH_SECRET } from "./planes.ts";

/** Five specs that resolve to five different placements (so five launch batches). */
export const BENCH_LABELS = [
  "runs-fleet/cpu=2/arch=arm64",
  "runs-fleet/cpu=4/arch=amd64",
  "runs-fleet/cpu=8+8/ram=32",
  "runs-fleet/cpu=4/arch=arm64/spot=false",
  "runs-fleet/os=windows/cpu=4",
] as const;

export interface Delivery {
  jobId: string;
  body: string;
  headers: Record<string, string>;
}

/** The parts of the example this module rewrites; everything else is kept as GitHub sent it. */
const Example = v.looseObject({ workflow_job: v.looseObject({}) });

let nextJobId = 20_000_000_000;
let template: Record<string, unknown> | undefined;

async function example(): Promise<Record<string, unknown>> {
  if (!template) {
    const { default: groups } = await import("@octokit/webhooks-examples", {
      with: { type: "json" },
    });
    const group = (
      groups as unknown as Array<{ name: string; examples: Array<Record<string, unknown>> }>
    ).find((g) => g.name === "workflow_job");
    const queued = group?.examples.find((e) => e.action === "queued");
    if (!queued) throw new Error("no workflow_job queued example in @octokit/webhooks-examples");
    template = queued;
  }
  return structuredClone(template);
}

/** `count` deliveries, labels taken round-robin from BENCH_LABELS. */
export async function queuedDeliveries(count: number): Promise<Delivery[]> {
  const out: Delivery[] = [];
  for (let i = 0; i < count; i++) {
    const payload = v.parse(Example, await example());
    const id = nextJobId++;
    payload.workflow_job.id = id;
    payload.workflow_job.run_id = id + 1;
    payload.workflow_job.labels = [BENCH_LABELS[i % BENCH_LABELS.length] as string];
    const body = JSON.stringify(payload);
    out.push({
      jobId: String(id),
      body,
      headers: {
        "content-type": "application/json",
        "x-github-event": "workflow_job",
        "x-github-delivery": `bench-${id}`,
        "x-hub-signature-256": await sign(BENCH_SECRET, body),
      },
    });
  }
  return out;
}
