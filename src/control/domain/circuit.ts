import * as v from "valibot";

/**
 * The per-instance-type spot circuit breaker (DESIGN.md): after too many spot interruptions of
 * one type in a window, spot launches stop using that type until a cooldown has passed; then one
 * spot launch is let through as a probe, whose outcome closes or re-opens the circuit. A type that
 * trips again soon after it closed (or whose probe fails) is kept out twice as long each time, up
 * to a ceiling, as outlier ejection does: a type reclaimed all day is not retried every half hour.
 */

export const CircuitStateNameSchema = v.picklist(["closed", "open", "half-open"]);
export type CircuitStateName = v.InferOutput<typeof CircuitStateNameSchema>;

/** One circuit as stored in the circuits table and read back (parsed, never cast). */
export const CircuitStateSchema = v.object({
  instanceType: v.string(),
  state: CircuitStateNameSchema,
  /** Interruption times (ms since epoch) inside the window, oldest first. */
  interruptions: v.array(v.number()),
  /** Recently interrupted instance ids, so the same interruption reported twice counts once. */
  interruptedInstances: v.array(v.string()),
  openedAt: v.nullable(v.number()),
  /** When an open circuit turns half-open. */
  resetAt: v.nullable(v.number()),
  /** When the half-open probe was handed out; null while no probe is in flight. */
  probeStartedAt: v.nullable(v.number()),
  /**
   * Opens in a row: each open that comes within `tripMemoryMs` of the last close (or a failed
   * probe) adds one and doubles the cooldown. 0 for records written before it was kept.
   */
  trips: v.optional(v.number(), 0),
  /** When the circuit last closed after being open (a probe succeeded); null when never. */
  closedAt: v.optional(v.nullable(v.number()), null),
  /** Optimistic-concurrency counter; 0 means "never stored". */
  version: v.number(),
});
export type CircuitState = v.InferOutput<typeof CircuitStateSchema>;

/** What can happen to a circuit. */
export type CircuitEvent =
  | { type: "interruption"; instanceId?: string }
  | { type: "check" }
  | { type: "probe-started" }
  | { type: "probe-succeeded" }
  | { type: "reset" };

export interface CircuitConfig {
  /** Interruptions inside `windowMs` that open the circuit. */
  threshold: number;
  windowMs: number;
  /** How long an open circuit stays open before a probe is allowed, the first time. */
  cooldownMs: number;
  /** The longest cooldown a type that keeps tripping gets (the doubling stops there). */
  maxCooldownMs: number;
  /** An open this soon after the last close counts as a repeat, with a doubled cooldown. */
  tripMemoryMs: number;
  /** A probe with no outcome after this long is presumed lost, and another may start. */
  probeTimeoutMs: number;
}

export const defaultCircuitConfig: CircuitConfig = {
  threshold: 3,
  windowMs: 15 * 60_000,
  cooldownMs: 30 * 60_000,
  maxCooldownMs: 8 * 60 * 60_000,
  tripMemoryMs: 6 * 60 * 60_000,
  probeTimeoutMs: 15 * 60_000,
};

/** How many interrupted instance ids are remembered for de-duplication. */
const rememberedInstances = 20;

/** A circuit that has never seen an interruption. */
export function closedCircuit(instanceType: string): CircuitState {
  return {
    instanceType,
    state: "closed",
    interruptions: [],
    interruptedInstances: [],
    openedAt: null,
    resetAt: null,
    probeStartedAt: null,
    trips: 0,
    closedAt: null,
    version: 0,
  };
}

/** Applies the passage of time: an open circuit whose cooldown is over becomes half-open. */
function advance(s: CircuitState, now: number): CircuitState {
  if (s.state === "open" && s.resetAt !== null && now >= s.resetAt) {
    return { ...s, state: "half-open", probeStartedAt: null };
  }
  return s;
}

function probeInFlight(s: CircuitState, now: number, config: CircuitConfig): boolean {
  return s.probeStartedAt !== null && now - s.probeStartedAt < config.probeTimeoutMs;
}

/** The cooldown of an open circuit on its `trips`-th open in a row. */
export function cooldownFor(trips: number, config: CircuitConfig): number {
  const doubled = config.cooldownMs * 2 ** Math.max(0, Math.min(trips - 1, 30));
  return Math.max(config.cooldownMs, Math.min(doubled, config.maxCooldownMs));
}

function opened(
  s: CircuitState,
  now: number,
  interruptions: number[],
  config: CircuitConfig,
): CircuitState {
  // A failed probe, or an open soon after the last close, is the same trouble again.
  const repeat =
    s.state === "half-open" || (s.closedAt !== null && now - s.closedAt < config.tripMemoryMs);
  const trips = repeat ? s.trips + 1 : 1;
  return {
    ...s,
    state: "open",
    interruptions,
    openedAt: now,
    resetAt: now + cooldownFor(trips, config),
    probeStartedAt: null,
    trips,
  };
}

function onInterruption(
  s: CircuitState,
  instanceId: string | undefined,
  now: number,
  config: CircuitConfig,
): CircuitState {
  if (instanceId !== undefined && s.interruptedInstances.includes(instanceId)) return s;
  const interruptions = [...s.interruptions.filter((t) => now - t < config.windowMs), now];
  const base: CircuitState =
    instanceId === undefined
      ? s
      : {
          ...s,
          interruptedInstances: [...s.interruptedInstances, instanceId].slice(-rememberedInstances),
        };
  switch (s.state) {
    case "closed":
      return interruptions.length >= config.threshold
        ? opened(base, now, interruptions, config)
        : { ...base, interruptions };
    case "half-open":
      // The type is still being reclaimed: the probe failed.
      return opened(base, now, interruptions, config);
    case "open":
      // Instances launched before the circuit opened are still being reclaimed: keep the
      // circuit open for a full cooldown after the latest one.
      return {
        ...base,
        interruptions,
        resetAt: Math.max(s.resetAt ?? now, now + cooldownFor(s.trips, config)),
      };
  }
}

/**
 * The circuit after `event` at `now`. Returns `state` itself (same reference) when the event
 * changes nothing, so a caller knows there is nothing to write. `version` is left as it was: the
 * store bumps it on write.
 */
export function nextCircuitState(
  state: CircuitState,
  event: CircuitEvent,
  now: number,
  config: CircuitConfig = defaultCircuitConfig,
): CircuitState {
  const s = advance(state, now);
  switch (event.type) {
    case "check":
      return s;
    case "interruption":
      return onInterruption(s, event.instanceId, now, config);
    case "probe-started":
      if (s.state !== "half-open" || probeInFlight(s, now, config)) return s;
      return { ...s, probeStartedAt: now };
    case "probe-succeeded":
      if (s.state !== "half-open") return s;
      // Closed, remembering how often it opened: a trip soon after this doubles the cooldown.
      return {
        ...closedCircuit(s.instanceType),
        trips: s.trips,
        closedAt: now,
        version: s.version,
      };
    case "reset":
      // By hand: closed and forgotten, trips included.
      if (s.state === "closed" && s.interruptions.length === 0 && s.trips === 0) return s;
      return { ...closedCircuit(s.instanceType), version: s.version };
  }
}

/** True when a spot request may include this type now (as a probe when the circuit is half-open). */
export function allowsSpot(
  state: CircuitState,
  now: number,
  config: CircuitConfig = defaultCircuitConfig,
): boolean {
  const s = advance(state, now);
  if (s.state === "closed") return true;
  return s.state === "half-open" && !probeInFlight(s, now, config);
}

/** True when a spot launch of this type must first take the probe (`probe-started`). */
export function needsProbe(state: CircuitState, now: number): boolean {
  return advance(state, now).state === "half-open";
}

/**
 * When the stored record may be deleted by the table's TTL: well after anything in it still
 * matters (the window, the cooldown, a probe), so a deleted record reads back as closed.
 */
export function circuitExpiresAt(state: CircuitState, now: number, config: CircuitConfig): number {
  const day = 24 * 60 * 60_000;
  const latest = Math.max(
    now,
    ...state.interruptions.map((t) => t + config.windowMs),
    state.resetAt ?? 0,
    (state.probeStartedAt ?? 0) + config.probeTimeoutMs,
    // Kept while a trip would still count as a repeat.
    state.closedAt === null ? 0 : state.closedAt + config.tripMemoryMs,
  );
  return latest + day;
}
