import { describe, expect, it } from "vitest";
import { closedCircuit } from "../../src/control/domain/circuit.ts";
import { ConflictError } from "../../src/control/domain/errors.ts";
import type { CircuitStore } from "../../src/control/ports/circuit-store.ts";

const t0 = Date.UTC(2025, 0, 1);
const hour = 3_600_000;

/** What every CircuitStore does; `make` returns an empty store. */
export function circuitStoreContract(name: string, make: () => Promise<CircuitStore>) {
  describe(`${name}: circuit store contract`, () => {
    it("writes conditionally on version and reads back what it wrote", async () => {
      const store = await make();
      const first = await store.save(
        { ...closedCircuit("m7g.large"), interruptions: [t0] },
        0,
        t0 + hour,
      );
      expect(first.version).toBe(1);
      await expect(store.save(closedCircuit("m7g.large"), 0, t0)).rejects.toBeInstanceOf(
        ConflictError,
      );
      await expect(store.save(first, 7, t0)).rejects.toBeInstanceOf(ConflictError);
      const second = await store.save({ ...first, interruptions: [t0, t0 + 1] }, 1, t0);
      expect(second.version).toBe(2);

      const got = await store.getMany(["m7g.large", "c7g.large"]);
      expect([...got.keys()]).toEqual(["m7g.large"]);
      expect(got.get("m7g.large")).toEqual(second);
      expect(await store.list()).toEqual([second]);
    });

    it("refuses to update a circuit that was never stored", async () => {
      const store = await make();
      await expect(store.save(closedCircuit("c7g.large"), 1, t0)).rejects.toBeInstanceOf(
        ConflictError,
      );
      expect(await store.list()).toEqual([]);
    });

    it("keeps nulls and open-circuit fields as written", async () => {
      const store = await make();
      const open = {
        ...closedCircuit("r7g.large"),
        state: "open" as const,
        interruptions: [t0, t0 + 1, t0 + 2],
        interruptedInstances: ["i-1", "i-2", "i-3"],
        openedAt: t0 + 2,
        resetAt: t0 + hour,
      };
      const saved = await store.save(open, 0, t0 + 2 * hour);
      expect(saved).toEqual({ ...open, version: 1 });
      expect((await store.getMany(["r7g.large", "r7g.large"])).get("r7g.large")).toEqual(saved);
    });

    it("lists every circuit, sorted by instance type", async () => {
      const store = await make();
      for (const type of ["m7g.large", "c7g.large", "r7g.large"])
        await store.save(closedCircuit(type), 0, t0 + hour);
      expect((await store.list()).map((c) => c.instanceType)).toEqual([
        "c7g.large",
        "m7g.large",
        "r7g.large",
      ]);
    });

    it("lets exactly one of many concurrent writers win", async () => {
      const store = await make();
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) =>
          store.save({ ...closedCircuit("c8g.large"), interruptions: [t0 + i] }, 0, t0 + hour),
        ),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(
        results.filter((r) => r.status === "rejected" && r.reason instanceof ConflictError),
      ).toHaveLength(5);
    });

    it("hands out copies: changing a returned circuit changes nothing stored", async () => {
      const store = await make();
      await store.save(closedCircuit("t4g.large"), 0, t0 + hour);
      const read = (await store.list())[0];
      read?.interruptions.push(t0);
      expect((await store.getMany(["t4g.large"])).get("t4g.large")?.interruptions).toEqual([]);
    });
  });
}
