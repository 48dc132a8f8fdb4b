import { Worker } from "node:worker_threads";
import { type PolicyJob, runPolicyByName } from "./policy-job.ts";
import type { PolicyRun } from "./run-policy.ts";

/** Runs the policies one after another in this thread. */
export async function inTurn(jobs: readonly PolicyJob[]): Promise<PolicyRun[]> {
  const out: PolicyRun[] = [];
  for (const job of jobs) out.push(await runPolicyByName(job));
  return out;
}

/** Runs the policies on `threads` worker threads, each its own, the results in order. */
export async function inWorkers(jobs: readonly PolicyJob[], threads: number): Promise<PolicyRun[]> {
  const out: PolicyRun[] = new Array(jobs.length);
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const i = next++;
      const worker = new Worker(new URL("./policy-worker.mjs", import.meta.url), {
        workerData: jobs[i],
      });
      out[i] = await new Promise<PolicyRun>((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
      });
      await worker.terminate();
    }
  };
  await Promise.all(Array.from({ length: Math.min(threads, jobs.length) }, lane));
  return out;
}
