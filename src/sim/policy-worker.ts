/**
 * A worker thread's side of `inWorkers`: runs one policy per message until the thread is ended.
 * It is bundled by esbuild (see `run-all.ts`) rather than loaded through tsx: one worker bundle
 * loads in a fraction of a second and runs without tsx's per-function name wrappers.
 */
import { parentPort } from "node:worker_threads";
import { type PolicyJob, runPolicyByName } from "./policy-job.ts";

const port = parentPort;
if (port) {
  port.on("message", async (job: PolicyJob) => {
    port.postMessage(await runPolicyByName(job));
  });
  port.postMessage("ready");
}
