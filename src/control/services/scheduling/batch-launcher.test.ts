import { describe, expect, it } from "vitest";
import { FleetError, ValidationError } from "../../domain/errors.ts";
import type { Placement } from "../../domain/placement.ts";
import { type BatchLaunch, createBatchLauncher, type Schedule } from "./batch-launcher.ts";

interface Slot {
  slotId: string;
}
interface Instance {
  slotId: string;
  instanceId: string;
}
type Call = { key: string; slots: string[]; fallback: boolean | undefined };

/** A schedule whose timers fire only when the test says so. */
function manualTimers() {
  const pending = new Set<() => void>();
  const schedule: Schedule = (fn) => {
    const entry = () => {
      pending.delete(entry);
      fn();
    };
    pending.add(entry);
    return () => pending.delete(entry);
  };
  const fireAll = () => {
    for (const f of [...pending]) f();
  };
  return { schedule, fireAll, count: () => pending.size };
}

const placement = (key: string) => ({ placementKey: key }) as Placement;
const slot = (id: string): Slot => ({ slotId: id });

/** A launch that answers every slot with an instance, recording its calls. */
function recordingLaunch(
  answer?: (slots: readonly Slot[]) => Awaited<ReturnType<BatchLaunch<Slot, Instance>>>,
) {
  const calls: Call[] = [];
  const launch: BatchLaunch<Slot, Instance> = async (req) => {
    calls.push({
      key: req.placement.placementKey,
      slots: req.slots.map((s) => s.slotId),
      fallback: req.onDemandFallback,
    });
    return (
      answer?.(req.slots) ?? {
        instances: req.slots.map((s) => ({ slotId: s.slotId, instanceId: `i-${s.slotId}` })),
        errors: [],
      }
    );
  };
  return { calls, launch };
}

describe("batch launcher", () => {
  it("sends jobs of one placement arriving within the window as one call", async () => {
    const timers = manualTimers();
    const { calls, launch } = recordingLaunch();
    const b = createBatchLauncher({ launch, schedule: timers.schedule });
    const waiting = ["a", "b", "c"].map((id) => b.launch(placement("p1"), slot(id)));
    await Promise.resolve();
    expect(calls).toEqual([]);
    timers.fireAll();
    expect(await Promise.all(waiting)).toEqual([
      { slotId: "a", instanceId: "i-a" },
      { slotId: "b", instanceId: "i-b" },
      { slotId: "c", instanceId: "i-c" },
    ]);
    expect(calls).toEqual([{ key: "p1", slots: ["a", "b", "c"], fallback: true }]);
  });

  it("keeps different placements, and different fallback wishes, apart", async () => {
    const timers = manualTimers();
    const { calls, launch } = recordingLaunch();
    const b = createBatchLauncher({ launch, schedule: timers.schedule });
    const waiting = [
      b.launch(placement("p1"), slot("a")),
      b.launch(placement("p2"), slot("b")),
      b.launch(placement("p1"), slot("c"), { onDemandFallback: false }),
    ];
    timers.fireAll();
    await Promise.all(waiting);
    expect(calls).toEqual([
      { key: "p1", slots: ["a"], fallback: true },
      { key: "p2", slots: ["b"], fallback: true },
      { key: "p1", slots: ["c"], fallback: false },
    ]);
  });

  it("turns a burst of 250 jobs into three calls, a full batch going at once", async () => {
    const timers = manualTimers();
    const { calls, launch } = recordingLaunch();
    const b = createBatchLauncher({ launch, schedule: timers.schedule, maxInFlight: 10 });
    const waiting = Array.from({ length: 250 }, (_, i) => b.launch(placement("p"), slot(`${i}`)));
    await Promise.resolve();
    expect(calls.map((c) => c.slots.length)).toEqual([100, 100]);
    timers.fireAll();
    const instances = await Promise.all(waiting);
    expect(calls.map((c) => c.slots.length)).toEqual([100, 100, 50]);
    expect(instances.every((inst, i) => inst.slotId === `${i}`)).toBe(true);
  });

  it("gives each caller its own error: listed, unanswered, or a failed call", async () => {
    const timers = manualTimers();
    const capacity = new FleetError("capacity", "none left", { retryable: true });
    const { launch } = recordingLaunch((slots) => ({
      instances: [{ slotId: slots[0]!.slotId, instanceId: "i-1" }],
      errors: [{ slotId: slots[1]!.slotId, error: capacity }],
    }));
    const b = createBatchLauncher({ launch, schedule: timers.schedule });
    const [ok, listed, missing] = ["a", "b", "c"].map((id) => b.launch(placement("p"), slot(id)));
    timers.fireAll();
    await expect(ok).resolves.toEqual({ slotId: "a", instanceId: "i-1" });
    await expect(listed).rejects.toBe(capacity);
    await expect(missing).rejects.toMatchObject({ code: "no_answer", retryable: true });

    const failing = createBatchLauncher<Slot, Instance>({
      launch: async () => {
        throw new Error("socket hang up");
      },
      schedule: timers.schedule,
    });
    const both = [
      failing.launch(placement("p"), slot("x")),
      failing.launch(placement("p"), slot("y")),
    ];
    timers.fireAll();
    for (const p of both) {
      await expect(p).rejects.toMatchObject({ code: "launch_failed", retryable: true });
    }
  });

  it("holds batches while calls are in flight, and lets a waiting batch keep filling", async () => {
    const timers = manualTimers();
    const calls: string[][] = [];
    let release: () => void = () => {};
    const b = createBatchLauncher<Slot, Instance>({
      schedule: timers.schedule,
      maxInFlight: 1,
      launch: async (req) => {
        calls.push(req.slots.map((s) => s.slotId));
        if (calls.length === 1) await new Promise<void>((r) => (release = r));
        return {
          instances: req.slots.map((s) => ({ slotId: s.slotId, instanceId: s.slotId })),
          errors: [],
        };
      },
    });
    const first = b.launch(placement("p"), slot("a"));
    timers.fireAll();
    const second = b.launch(placement("p"), slot("b"));
    timers.fireAll(); // the second batch is ready but the only call slot is taken
    const third = b.launch(placement("p"), slot("c"));
    expect(calls).toEqual([["a"]]);
    release();
    await Promise.all([first, second, third]);
    expect(calls).toEqual([["a"], ["b", "c"]]);
  });

  it("refuses the same slot twice in one batch", async () => {
    const timers = manualTimers();
    const { launch } = recordingLaunch();
    const b = createBatchLauncher({ launch, schedule: timers.schedule });
    const first = b.launch(placement("p"), slot("a"));
    await expect(b.launch(placement("p"), slot("a"))).rejects.toBeInstanceOf(ValidationError);
    timers.fireAll();
    await expect(first).resolves.toMatchObject({ slotId: "a" });
  });

  it("flush sends what waits and cancels its timers", async () => {
    const timers = manualTimers();
    const { calls, launch } = recordingLaunch();
    const b = createBatchLauncher({ launch, schedule: timers.schedule });
    const waiting = [b.launch(placement("p1"), slot("a")), b.launch(placement("p2"), slot("b"))];
    await b.flush();
    expect(calls.map((c) => c.key)).toEqual(["p1", "p2"]);
    expect(timers.count()).toBe(0);
    await Promise.all(waiting);
  });
});
