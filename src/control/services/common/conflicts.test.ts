import { describe, expect, it } from "vitest";
import { ConflictError, FleetError } from "../../domain/errors.ts";
import { retryOnConflict, unlessConflict } from "./conflicts.ts";

/** A step that loses `losses` races, then answers with the attempt it succeeded on. */
function losing(losses: number) {
  const attempts: number[] = [];
  const step = async (attempt: number) => {
    attempts.push(attempt);
    if (attempts.length <= losses) throw new ConflictError("someone wrote first");
    return `won on ${attempt}`;
  };
  return { step, attempts };
}

describe("retryOnConflict", () => {
  it("returns the first answer without running the step again", async () => {
    const { step, attempts } = losing(0);
    await expect(retryOnConflict("job 1", step)).resolves.toBe("won on 1");
    expect(attempts).toEqual([1]);
  });

  it("runs the step again after each lost race, numbering the attempts", async () => {
    const { step, attempts } = losing(3);
    await expect(retryOnConflict("job 1", step)).resolves.toBe("won on 4");
    expect(attempts).toEqual([1, 2, 3, 4]);
  });

  it("gives up with a ConflictError naming what kept changing after the last attempt", async () => {
    const { step, attempts } = losing(10);
    const err = await retryOnConflict("instance i-1", step).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as Error).message).toBe(
      "instance i-1 kept changing (5 conflicting writes in a row)",
    );
    expect(attempts).toEqual([1, 2, 3, 4, 5]);

    const few = losing(10);
    await expect(retryOnConflict("job 2", few.step, 2)).rejects.toThrow(/job 2 kept changing \(2/);
    expect(few.attempts).toEqual([1, 2]);
  });

  it("passes any other error through at once", async () => {
    let calls = 0;
    const boom = new FleetError("aws.throttled", "slow down", { retryable: true });
    const step = async () => {
      calls++;
      throw boom;
    };
    await expect(retryOnConflict("job 1", step)).rejects.toBe(boom);
    expect(calls).toBe(1);
  });
});

describe("unlessConflict", () => {
  it("returns what the write returns", async () => {
    await expect(unlessConflict(async () => ({ version: 2 }))).resolves.toEqual({ version: 2 });
  });

  it("answers null when another writer got there first", async () => {
    const write = async () => {
      throw new ConflictError("job 1 changed since version 1");
    };
    await expect(unlessConflict(write)).resolves.toBeNull();
  });

  it("rethrows any other error", async () => {
    const write = async () => {
      throw new Error("network down");
    };
    await expect(unlessConflict(write)).rejects.toThrow("network down");
  });
});
