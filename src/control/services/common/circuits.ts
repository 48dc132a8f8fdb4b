import { type Logger, silentLogger } from "../../../shared/logger.ts";
import {
  type CircuitConfig,
  type CircuitEvent,
  type CircuitState,
  circuitExpiresAt,
  closedCircuit,
  defaultCircuitConfig,
  nextCircuitState,
} from "../../domain/circuit.ts";
import { ConflictError, FleetError } from "../../domain/errors.ts";
import type { CircuitStore } from "../../ports/circuit-store.ts";
import type { Clock } from "../../ports/clock.ts";
import type { Metrics } from "../../ports/metrics.ts";
import { retryOnConflict } from "./conflicts.ts";
import { type RetryOptions, retryDelay } from "./retry.ts";

/** The spot circuit breakers as the scheduler, the event handlers and the admin API use them. */
export interface CircuitService {
  /** Counts a spot interruption of `instanceType` (once per instance id when given). */
  recordInterruption(instanceType: string, instanceId?: string): Promise<CircuitState>;
  /** The circuits of `instanceTypes` as of now (unknown types are closed); briefly cached. */
  check(instanceTypes: readonly string[]): Promise<Map<string, CircuitState>>;
  /** Closes a circuit by hand (admin API). */
  reset(instanceType: string): Promise<CircuitState>;
  /** Every stored circuit as of now, uncached (admin API). */
  list(): Promise<CircuitState[]>;
  /**
   * Claims the one spot launch a half-open circuit allows. True when this caller holds the
   * probe and may launch `instanceType` on spot; false when the circuit is not half-open or
   * another replica holds the probe.
   */
  startProbe(instanceType: string): Promise<boolean>;
  /** The probe's spot instance launched and was not interrupted: close the circuit. */
  probeSucceeded(instanceType: string): Promise<CircuitState>;
}

export interface CircuitServiceOptions {
  store: CircuitStore;
  clock: Clock;
  config?: CircuitConfig;
  /** How long a read stays good in this process; other replicas' writes show up after this. */
  cacheTtlMs?: number;
  /** Rounds of read-modify-conditional-write before a lost race is reported. */
  maxAttempts?: number;
  /** Pause between rounds after a lost race; the length comes from `retryDelay`. */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source for those pauses (default Math.random). */
  random?: () => number;
  logger?: Logger;
  /** Where interruptions and circuit changes are counted (none when absent). */
  metrics?: Metrics;
}

const openness = { closed: 0, "half-open": 0.5, open: 1 } as const;

/** Creates the circuit service over a store; state changes are conditional writes, retried. */
export function createCircuitService(options: CircuitServiceOptions): CircuitService {
  const { store, clock } = options;
  const config = options.config ?? defaultCircuitConfig;
  const cacheTtlMs = options.cacheTtlMs ?? 5_000;
  const maxAttempts = options.maxAttempts ?? 20;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const logger = options.logger ?? silentLogger;
  /** A few milliseconds, doubling per lost race: rivals are replicas writing the same item. */
  const pause: RetryOptions = {
    baseSeconds: 0.005,
    maxSeconds: 0.1,
    wholeSeconds: false,
    ...(options.random ? { random: options.random } : {}),
  };
  const cache = new Map<string, { state: CircuitState; readAt: number }>();

  const remember = (state: CircuitState) => {
    cache.set(state.instanceType, { state, readAt: clock.now() });
  };

  async function readFresh(instanceType: string): Promise<CircuitState> {
    const found = await store.getMany([instanceType]);
    return found.get(instanceType) ?? closedCircuit(instanceType);
  }

  /** Applies `event` with a conditional write, re-reading after each lost race. */
  async function update(
    instanceType: string,
    event: CircuitEvent,
  ): Promise<{ state: CircuitState; changed: boolean; at: number }> {
    const step = async (attempt: number) => {
      // Another replica wrote first: pause a little (jittered, so racers drift apart), then read
      // its result and apply the event on top of it.
      if (attempt > 1) await sleep(retryDelay(null, attempt - 1, pause) * 1000);
      const current = await readFresh(instanceType);
      const at = clock.now();
      const next = nextCircuitState(current, event, at, config);
      if (next === current) {
        remember(current);
        return { state: current, changed: false, at };
      }
      const saved = await store.save(next, current.version, circuitExpiresAt(next, at, config));
      remember(saved);
      // Counted after the write landed, so a lost race or a repeated notice counts nothing.
      if (event.type === "interruption")
        options.metrics?.count("SpotInterruptions", 1, { instanceType });
      if (saved.state === "open" && current.state !== "open")
        options.metrics?.count("CircuitBreakerTriggered", 1, { instanceType });
      if (saved.state !== current.state)
        options.metrics?.gauge("CircuitBreakerOpen", openness[saved.state], { instanceType });
      if (saved.state !== current.state) {
        logger.info("circuit changed", {
          instanceType,
          from: current.state,
          to: saved.state,
          event: event.type,
        });
      }
      return { state: saved, changed: true, at };
    };
    try {
      return await retryOnConflict(`circuit ${instanceType}`, step, maxAttempts);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      // Contention passes: the caller's message is retried rather than failed.
      throw new FleetError(
        "contended",
        `circuit ${instanceType}: ${maxAttempts} conflicting writes in a row`,
        { retryable: true, cause: err },
      );
    }
  }

  const asOfNow = (s: CircuitState) => nextCircuitState(s, { type: "check" }, clock.now(), config);

  return {
    async recordInterruption(instanceType, instanceId) {
      const event: CircuitEvent =
        instanceId === undefined ? { type: "interruption" } : { type: "interruption", instanceId };
      return (await update(instanceType, event)).state;
    },

    async check(instanceTypes) {
      const now = clock.now();
      const stale = instanceTypes.filter((t) => {
        const hit = cache.get(t);
        return hit === undefined || now - hit.readAt >= cacheTtlMs;
      });
      if (stale.length > 0) {
        const found = await store.getMany(stale);
        for (const t of stale) remember(found.get(t) ?? closedCircuit(t));
      }
      const out = new Map<string, CircuitState>();
      for (const t of instanceTypes) {
        out.set(t, asOfNow(cache.get(t)?.state ?? closedCircuit(t)));
      }
      return out;
    },

    async reset(instanceType) {
      return asOfNow((await update(instanceType, { type: "reset" })).state);
    },

    async list() {
      return (await store.list()).map(asOfNow);
    },

    async startProbe(instanceType) {
      const result = await update(instanceType, { type: "probe-started" });
      return (
        result.changed &&
        result.state.state === "half-open" &&
        result.state.probeStartedAt === result.at
      );
    },

    async probeSucceeded(instanceType) {
      return (await update(instanceType, { type: "probe-succeeded" })).state;
    },
  };
}
