import { createMemoryInstanceStore } from "../../src/control/adapters/memory/memory-instance-store.ts";
import { createMemoryJobQueue } from "../../src/control/adapters/memory/memory-job-queue.ts";
import { createMemoryJobStore } from "../../src/control/adapters/memory/memory-job-store.ts";
import { instanceStoreContract } from "./instance-store-contract.ts";
import { jobQueueContract } from "./job-queue-contract.ts";
import { jobStoreContract } from "./job-store-contract.ts";

// The same assertions as aws.test.ts: the in-memory adapters behave as DynamoDB and SQS do.
jobStoreContract("memory", async (clock) => createMemoryJobStore({ clock }));
instanceStoreContract("memory", async (clock) => createMemoryInstanceStore({ clock }));
for (const kind of ["standard", "fifo"] as const) {
  jobQueueContract("memory", kind, async () => {
    const queue = createMemoryJobQueue({ fifo: kind === "fifo" });
    let raw = 0;
    return {
      queue,
      sendRaw: async (body) => {
        queue.sendRaw(body, `raw-${++raw}`);
      },
    };
  });
}
