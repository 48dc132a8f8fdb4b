import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { policy } from "./policies.ts";
import { type PolicyJob, runPolicyByName } from "./policy-job.ts";
import type { PolicyRun } from "./run-policy.ts";

/** Runs the policies one after another in this thread. */
export async function inTurn(jobs: readonly PolicyJob[]): Promise<PolicyRun[]> {
  const out: PolicyRun[] = [];
  for (const job of jobs) out.push(await runPolicyByName(job));
  return out;
}

/**
 * Runs the policies on `threads` worker threads, each its own, the results in the jobs' order.
 * A policy with pools runs about half as long again as one without (the pool manager's passes),
 * so those start first: longest first keeps the lanes about even.
 */
export async function inWorkers(jobs: readonly PolicyJob[], threads: number): Promise<PolicyRun[]> {
  const out: PolicyRun[] = new Array(jobs.length);
  const order = jobs
    .map((job, i) => ({ i, weight: policy(job.name).usesPools ? 1 : 0 }))
    .sort((a, b) => b.weight - a.weight || a.i - b.i)
    .map((x) => x.i);
  const code = new URL(
    `data:text/javascript;base64,${Buffer.from(await workerBundle()).toString("base64")}`,
  );
  let next = 0;
  const lane = async () => {
    const worker = new Worker(code);
    // The worker's next message; an error in it, or its end, fails the run instead of hanging.
    const reply = <T>() =>
      new Promise<T>((resolve, reject) => {
        const settle = (fn: () => void) => {
          worker.off("message", onMessage).off("error", onError).off("exit", onExit);
          fn();
        };
        const onMessage = (value: T) => settle(() => resolve(value));
        const onError = (err: Error) => settle(() => reject(err));
        const onExit = (code: number) =>
          settle(() =>
            reject(
              new Error(
                `a simulation worker ended early (exit code ${code}); run again with --threads 1 to see why in this process`,
              ),
            ),
          );
        worker.on("message", onMessage).on("error", onError).on("exit", onExit);
      });
    try {
      await reply<"ready">();
      while (next < order.length) {
        const i = order[next++]!;
        const done = reply<PolicyRun>();
        worker.postMessage(jobs[i]);
        out[i] = await done;
      }
    } finally {
      await worker.terminate();
    }
  };
  await Promise.all(Array.from({ length: Math.min(threads, jobs.length) }, lane));
  return out;
}

/**
 * The worker's code, `policy-worker.ts` and all it imports in one ES module. esbuild comes with
 * tsx, which the CLI runs on; bundling takes well under a second.
 */
async function workerBundle(): Promise<string> {
  const { build } = await import("esbuild");
  const out = await build({
    entryPoints: [fileURLToPath(new URL("./policy-worker.ts", import.meta.url))],
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    write: false,
    logLevel: "silent",
  });
  const file = out.outputFiles[0];
  if (!file) throw new Error("bundling the simulation worker produced no file");
  return file.text;
}
