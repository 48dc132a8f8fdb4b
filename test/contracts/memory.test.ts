import { createMemoryAuditStore } from "../../src/control/adapters/memory/audit-store.ts";
import { createMemoryCircuitStore } from "../../src/control/adapters/memory/circuit-store.ts";
import { createMemoryEventQueue } from "../../src/control/adapters/memory/event-queue.ts";
import { createMemoryInstanceStore } from "../../src/control/adapters/memory/instance-store.ts";
import { createMemoryJobQueue } from "../../src/control/adapters/memory/job-queue.ts";
import { createMemoryJobStore } from "../../src/control/adapters/memory/job-store.ts";
import { createMemoryLockStore } from "../../src/control/adapters/memory/lock-store.ts";
import { createMemoryMarkerStore } from "../../src/control/adapters/memory/marker-store.ts";
import { createMemoryRunnerConfigStore } from "../../src/control/adapters/memory/runner-config-store.ts";
import { runnerConfigStoreContract } from "../github/runner-config-store-contract.ts";
import { auditStoreContract } from "./audit-store-contract.ts";
import { circuitStoreContract } from "./circuit-store-contract.ts";
import { eventQueueContract } from "./event-queue-contract.ts";
import { instanceStoreContract } from "./instance-store-contract.ts";
import { jobQueueContract } from "./job-queue-contract.ts";
import { jobStoreContract } from "./job-store-contract.ts";
import { lockStoreContract } from "./lock-store-contract.ts";
import { markerStoreContract } from "./marker-store-contract.ts";

// The same assertions as aws.test.ts: the in-memory adapters behave as DynamoDB and SQS do.
jobStoreContract("memory", async (clock) => createMemoryJobStore({ clock }));
instanceStoreContract("memory", async (clock) => createMemoryInstanceStore({ clock }));
circuitStoreContract("memory", async () => createMemoryCircuitStore());
auditStoreContract("memory", async () => createMemoryAuditStore());
markerStoreContract("memory", async (clock) => createMemoryMarkerStore({ clock }));
lockStoreContract("memory", async (clock) => {
  // One process holds one lock table: every replica is the same store.
  const store = createMemoryLockStore({ clock });
  return () => store;
});
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
eventQueueContract("memory", async () => createMemoryEventQueue());
// The file and SSM stores run the same suite beside their code.
runnerConfigStoreContract("memory", () => createMemoryRunnerConfigStore());
