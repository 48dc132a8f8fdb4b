/**
 * Launch batching. EC2 throttles CreateFleet at a few calls per second, so jobs that resolve to
 * the same placement within a short window share one call of `n` instances. Not bound to any
 * provider: the launch function and the timer come in, which keeps it testable without fake
 * timers and usable with the local provider too.
 */
import { batchFailure, settleSlots } from "../../domain/batch.ts";
import { type FleetError, ValidationError } from "../../domain/errors.ts";
import type { Placement } from "../../domain/placement.ts";

/** Runs `fn` after `ms`; returns a function that cancels it. */
export type Schedule = (fn: () => void, ms: number) => () => void;

/** setTimeout, available on every runtime the control plane runs on. */
export const timerSchedule: Schedule = (fn, ms) => {
  const t = setTimeout(fn, ms);
  return () => clearTimeout(t);
};

/** What one batched call receives and answers; `Compute.launch` has this shape. */
export type BatchLaunch<S extends { slotId: string }, I extends { slotId: string }> = (request: {
  placement: Placement;
  slots: readonly S[];
  onDemandFallback?: boolean;
}) => Promise<{ instances: I[]; errors: { slotId: string; error: FleetError }[] }>;

export interface BatchLauncherOptions<S extends { slotId: string }, I extends { slotId: string }> {
  launch: BatchLaunch<S, I>;
  /** How long the first job of a placement waits for others (default 500 ms). */
  windowMs?: number;
  /** Most slots in one call (default 100); a full batch goes at once. */
  maxPerCall?: number;
  /** Most calls in flight at once (default 2); further batches wait, and keep filling. */
  maxInFlight?: number;
  schedule?: Schedule;
}

/** Launches one slot, sharing the call with other slots of the same placement. */
export interface BatchLauncher<S, I> {
  /** Resolves with this slot's own instance, or rejects with this slot's own FleetError. */
  launch(placement: Placement, slot: S, options?: { onDemandFallback?: boolean }): Promise<I>;
  /** Sends every waiting batch now and resolves when all calls have answered. */
  flush(): Promise<void>;
}

interface Waiter<S, I> {
  slot: S;
  resolve(instance: I): void;
  reject(err: unknown): void;
}

interface Batch<S, I> {
  key: string;
  placement: Placement;
  onDemandFallback: boolean;
  waiters: Waiter<S, I>[];
  cancelTimer: () => void;
  ready: boolean;
}

/** Creates a launcher that batches by placement key over a window. */
export function createBatchLauncher<S extends { slotId: string }, I extends { slotId: string }>(
  options: BatchLauncherOptions<S, I>,
): BatchLauncher<S, I> {
  const windowMs = options.windowMs ?? 500;
  const maxPerCall = options.maxPerCall ?? 100;
  const maxInFlight = options.maxInFlight ?? 2;
  const schedule = options.schedule ?? timerSchedule;
  /** Batches not sent yet, by key; a batch that is ready but waiting for a call still fills. */
  const open = new Map<string, Batch<S, I>>();
  const readyQueue: Batch<S, I>[] = [];
  const running = new Set<Promise<void>>();

  async function send(batch: Batch<S, I>): Promise<void> {
    const slots = batch.waiters.map((w) => w.slot);
    try {
      const result = await options.launch({
        placement: batch.placement,
        slots,
        onDemandFallback: batch.onDemandFallback,
      });
      const outcomes = settleSlots(
        slots.map((s) => s.slotId),
        result,
      );
      for (const w of batch.waiters) {
        const o = outcomes.get(w.slot.slotId);
        if (o?.ok) w.resolve(o.instance);
        else w.reject(o?.error);
      }
    } catch (err) {
      const error = batchFailure(err);
      for (const w of batch.waiters) w.reject(error);
    }
  }

  function pump() {
    while (running.size < maxInFlight && readyQueue.length > 0) {
      const batch = readyQueue.shift()!;
      if (open.get(batch.key) === batch) open.delete(batch.key);
      const call: Promise<void> = send(batch).finally(() => {
        running.delete(call);
        pump();
      });
      running.add(call);
    }
  }

  function markReady(batch: Batch<S, I>) {
    if (batch.ready) return;
    batch.ready = true;
    batch.cancelTimer();
    readyQueue.push(batch);
    pump();
  }

  return {
    launch(placement, slot, launchOptions = {}) {
      const onDemandFallback = launchOptions.onDemandFallback ?? true;
      const key = JSON.stringify([placement.placementKey, onDemandFallback]);
      return new Promise<I>((resolve, reject) => {
        let batch = open.get(key);
        if (batch === undefined || batch.waiters.length >= maxPerCall) {
          const created: Batch<S, I> = {
            key,
            placement,
            onDemandFallback,
            waiters: [],
            cancelTimer: () => {},
            ready: false,
          };
          created.cancelTimer = schedule(() => markReady(created), windowMs);
          open.set(key, created);
          batch = created;
        }
        if (batch.waiters.some((w) => w.slot.slotId === slot.slotId)) {
          reject(new ValidationError(`slot ${slot.slotId} is already waiting for a launch`));
          return;
        }
        batch.waiters.push({ slot, resolve, reject });
        if (batch.waiters.length >= maxPerCall) {
          open.delete(key);
          markReady(batch);
        }
      });
    },

    async flush() {
      for (const batch of [...open.values()]) markReady(batch);
      while (running.size > 0 || readyQueue.length > 0) {
        await Promise.all([...running]);
        pump();
      }
    },
  };
}
