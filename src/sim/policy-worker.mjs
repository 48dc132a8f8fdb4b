// Runs one policy of a simulation in a worker thread. The simulator is TypeScript, so the worker
// loads it through tsx, as the CLI's own entry does.
import { parentPort, workerData } from "node:worker_threads";
import { tsImport } from "tsx/esm/api";

const { runPolicyByName } = await tsImport("./policy-job.ts", import.meta.url);
parentPort.postMessage(await runPolicyByName(workerData));
