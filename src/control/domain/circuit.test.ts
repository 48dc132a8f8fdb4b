import fc from "fast-check";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import {
  allowsSpot,
  type CircuitConfig,
  type CircuitEvent,
  type CircuitState,
  CircuitStateSchema,
  circuitExpiresAt,
  closedCircuit,
  needsProbe,
  nextCircuitState,
} from "./circuit.ts";

const min = 60_000;
const t0 = Date.UTC(2025, 0, 1);
const config: CircuitConfig = {
  threshold: 3,
  windowMs: 15 * min,
  cooldownMs: 30 * min,
  maxCooldownMs: 8 * 60 * min,
  tripMemoryMs: 6 * 60 * min,
  probeTimeoutMs: 10 * min,
};
const type = "c7g.large";

function circuit(patch: Partial<CircuitState>): CircuitState {
  return { ...closedCircuit(type), version: 4, ...patch };
}
const open = circuit({
  state: "open",
  interruptions: [t0 - 2 * min, t0 - min, t0],
  openedAt: t0,
  resetAt: t0 + 30 * min,
});
const halfOpen = circuit({
  state: "half-open",
  interruptions: [t0],
  openedAt: t0,
  resetAt: t0 + 30 * min,
});

interface Row {
  name: string;
  from: CircuitState;
  event: CircuitEvent;
  at: number;
  expect: Partial<CircuitState> | "unchanged";
}

const rows: Row[] = [
  {
    name: "closed: a first interruption is counted, the circuit stays closed",
    from: circuit({}),
    event: { type: "interruption" },
    at: t0,
    expect: { state: "closed", interruptions: [t0] },
  },
  {
    name: "closed: the third interruption inside the window opens it",
    from: circuit({ interruptions: [t0 - 10 * min, t0 - 5 * min] }),
    event: { type: "interruption" },
    at: t0,
    expect: {
      state: "open",
      interruptions: [t0 - 10 * min, t0 - 5 * min, t0],
      openedAt: t0,
      resetAt: t0 + 30 * min,
    },
  },
  {
    name: "closed: interruptions older than the window are forgotten",
    from: circuit({ interruptions: [t0 - 20 * min, t0 - 15 * min] }),
    event: { type: "interruption" },
    at: t0,
    expect: { state: "closed", interruptions: [t0] },
  },
  {
    name: "closed: the same instance reported twice counts once",
    from: circuit({ interruptions: [t0 - min], interruptedInstances: ["i-1"] }),
    event: { type: "interruption", instanceId: "i-1" },
    at: t0,
    expect: "unchanged",
  },
  {
    name: "closed: another instance is counted and remembered",
    from: circuit({ interruptions: [t0 - min], interruptedInstances: ["i-1"] }),
    event: { type: "interruption", instanceId: "i-2" },
    at: t0,
    expect: { interruptions: [t0 - min, t0], interruptedInstances: ["i-1", "i-2"] },
  },
  {
    name: "closed: check changes nothing",
    from: circuit({ interruptions: [t0] }),
    event: { type: "check" },
    at: t0 + 60 * min,
    expect: "unchanged",
  },
  {
    name: "closed: a stray probe success changes nothing",
    from: circuit({}),
    event: { type: "probe-succeeded" },
    at: t0,
    expect: "unchanged",
  },
  {
    name: "closed: probe-started is refused",
    from: circuit({}),
    event: { type: "probe-started" },
    at: t0,
    expect: "unchanged",
  },
  {
    name: "open: check before the cooldown changes nothing",
    from: open,
    event: { type: "check" },
    at: t0 + 29 * min,
    expect: "unchanged",
  },
  {
    name: "open: check after the cooldown turns half-open",
    from: open,
    event: { type: "check" },
    at: t0 + 30 * min,
    expect: { state: "half-open", probeStartedAt: null },
  },
  {
    name: "open: an interruption pushes the reset a full cooldown out",
    from: open,
    event: { type: "interruption" },
    at: t0 + 20 * min,
    expect: { state: "open", openedAt: t0, resetAt: t0 + 50 * min },
  },
  {
    name: "open: probe-started before the cooldown is refused",
    from: open,
    event: { type: "probe-started" },
    at: t0 + 10 * min,
    expect: "unchanged",
  },
  {
    name: "open: probe-started after the cooldown is granted",
    from: open,
    event: { type: "probe-started" },
    at: t0 + 31 * min,
    expect: { state: "half-open", probeStartedAt: t0 + 31 * min },
  },
  {
    name: "half-open: the first probe is granted",
    from: halfOpen,
    event: { type: "probe-started" },
    at: t0 + 40 * min,
    expect: { state: "half-open", probeStartedAt: t0 + 40 * min },
  },
  {
    name: "half-open: a second probe while one is in flight is refused",
    from: { ...halfOpen, probeStartedAt: t0 + 40 * min },
    event: { type: "probe-started" },
    at: t0 + 45 * min,
    expect: "unchanged",
  },
  {
    name: "half-open: a probe lost for longer than the probe timeout is replaced",
    from: { ...halfOpen, probeStartedAt: t0 + 40 * min },
    event: { type: "probe-started" },
    at: t0 + 50 * min,
    expect: { probeStartedAt: t0 + 50 * min },
  },
  {
    name: "half-open: probe success closes and forgets, but for how often it opened",
    from: { ...halfOpen, probeStartedAt: t0 + 40 * min, trips: 2 },
    event: { type: "probe-succeeded" },
    at: t0 + 41 * min,
    expect: { ...closedCircuit(type), trips: 2, closedAt: t0 + 41 * min, version: 4 },
  },
  {
    name: "half-open: a failed probe doubles the cooldown of the trip before",
    from: { ...halfOpen, probeStartedAt: t0 + 40 * min, trips: 2 },
    event: { type: "interruption" },
    at: t0 + 42 * min,
    expect: { state: "open", trips: 3, resetAt: t0 + 42 * min + 120 * min },
  },
  {
    name: "closed: a trip within the memory of the last close doubles the cooldown",
    from: circuit({
      interruptions: [t0 - 10 * min, t0 - 5 * min],
      trips: 1,
      closedAt: t0 - 60 * min,
    }),
    event: { type: "interruption" },
    at: t0,
    expect: { state: "open", trips: 2, openedAt: t0, resetAt: t0 + 60 * min },
  },
  {
    name: "closed: a trip long after the last close starts again at the first cooldown",
    from: circuit({
      interruptions: [t0 - 10 * min, t0 - 5 * min],
      trips: 4,
      closedAt: t0 - 7 * 60 * min,
    }),
    event: { type: "interruption" },
    at: t0,
    expect: { state: "open", trips: 1, resetAt: t0 + 30 * min },
  },
  {
    name: "closed: the cooldown stops doubling at its ceiling",
    from: circuit({
      interruptions: [t0 - 10 * min, t0 - 5 * min],
      trips: 5,
      closedAt: t0 - 10 * min,
    }),
    event: { type: "interruption" },
    at: t0,
    expect: { state: "open", trips: 6, resetAt: t0 + 8 * 60 * min },
  },
  {
    name: "open: a late interruption keeps it open for the current trip's cooldown",
    from: { ...open, trips: 3, resetAt: t0 + 10 * min },
    event: { type: "interruption", instanceId: "i-late" },
    at: t0 + 5 * min,
    expect: { state: "open", resetAt: t0 + 5 * min + 120 * min },
  },
  {
    name: "reset by hand forgets the trips too",
    from: circuit({ trips: 3, closedAt: t0 - min }),
    event: { type: "reset" },
    at: t0,
    expect: { ...closedCircuit(type), version: 4 },
  },
  {
    name: "half-open: an interruption re-opens for a new cooldown",
    from: { ...halfOpen, probeStartedAt: t0 + 40 * min },
    event: { type: "interruption" },
    at: t0 + 42 * min,
    expect: {
      state: "open",
      openedAt: t0 + 42 * min,
      resetAt: t0 + 72 * min,
      probeStartedAt: null,
      interruptions: [t0 + 42 * min],
    },
  },
  {
    name: "open: reset closes at once",
    from: open,
    event: { type: "reset" },
    at: t0 + min,
    expect: { ...closedCircuit(type), version: 4 },
  },
  {
    name: "closed with interruptions: reset forgets them",
    from: circuit({ interruptions: [t0] }),
    event: { type: "reset" },
    at: t0,
    expect: { state: "closed", interruptions: [] },
  },
  {
    name: "closed and clean: reset changes nothing",
    from: circuit({}),
    event: { type: "reset" },
    at: t0,
    expect: "unchanged",
  },
];

describe("nextCircuitState", () => {
  it.each(rows)("$name", (row) => {
    const next = nextCircuitState(row.from, row.event, row.at, config);
    if (row.expect === "unchanged") {
      expect(next).toBe(row.from);
    } else {
      expect(next).toMatchObject(row.expect);
      expect(next.version).toBe(row.from.version);
      expect(next.instanceType).toBe(type);
    }
  });

  it("never holds more interruptions than happened inside the window", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 120 * min }), { maxLength: 30 }),
        (offsets) => {
          let s = closedCircuit(type);
          const times = [...offsets].sort((a, b) => a - b).map((o) => t0 + o);
          for (const t of times) {
            s = nextCircuitState(s, { type: "interruption" }, t, config);
            expect(s.interruptions.every((x) => t - x < config.windowMs)).toBe(true);
            expect(s.interruptions.at(-1)).toBe(t);
          }
        },
      ),
    );
  });
});

describe("allowsSpot", () => {
  it.each([
    ["closed", circuit({}), t0, true],
    ["open, cooling down", open, t0 + 29 * min, false],
    ["open, cooldown over (a probe is free)", open, t0 + 30 * min, true],
    ["half-open, no probe", halfOpen, t0 + 40 * min, true],
    [
      "half-open, probe in flight",
      { ...halfOpen, probeStartedAt: t0 + 40 * min },
      t0 + 41 * min,
      false,
    ],
    ["half-open, probe lost", { ...halfOpen, probeStartedAt: t0 + 40 * min }, t0 + 51 * min, true],
  ] as const)("%s → %s", (_name, state, at, expected) => {
    expect(allowsSpot(state, at, config)).toBe(expected);
  });

  it("needsProbe is true only once the cooldown is over", () => {
    expect(needsProbe(circuit({}), t0)).toBe(false);
    expect(needsProbe(open, t0 + 29 * min)).toBe(false);
    expect(needsProbe(open, t0 + 30 * min)).toBe(true);
    expect(needsProbe(halfOpen, t0)).toBe(true);
  });
});

describe("CircuitStateSchema", () => {
  it("reads a record stored before trips were kept as one that never tripped", () => {
    const { trips: _t, closedAt: _c, ...older } = open;
    expect(v.parse(CircuitStateSchema, older)).toEqual({ ...open, trips: 0, closedAt: null });
  });
});

describe("circuitExpiresAt", () => {
  it("keeps an open circuit a day past its reset", () => {
    expect(circuitExpiresAt(open, t0, config)).toBe(t0 + 30 * min + 24 * 60 * min);
  });
  it("keeps a closed circuit while a trip would still count as a repeat", () => {
    const s = circuit({ trips: 2, closedAt: t0 });
    expect(circuitExpiresAt(s, t0 + min, config)).toBe(t0 + 6 * 60 * min + 24 * 60 * min);
  });
  it("keeps a closed circuit a day past its window", () => {
    const s = circuit({ interruptions: [t0] });
    expect(circuitExpiresAt(s, t0 + min, config)).toBe(t0 + 15 * min + 24 * 60 * min);
  });
});
