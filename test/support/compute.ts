import type { Compute } from "../../src/control/ports/compute.ts";

/**
 * Compute that launches every slot at once as `<prefix><n>` c7g.large spot instances and does
 * nothing else: for suites where what EC2 does is not the subject.
 */
export function instantCompute(prefix: string): Compute {
  return {
    launch: async (request) => ({
      instances: request.slots.map((slot, i) => ({
        slotId: slot.slotId,
        instanceId: `${prefix}${i}`,
        instanceType: "c7g.large",
        market: "spot",
        az: "us-east-1a",
        subnetId: "subnet-1",
      })),
      errors: [],
    }),
    terminate: async () => {},
    stop: async () => {},
    start: async () => {},
    describe: async () => [],
  };
}
