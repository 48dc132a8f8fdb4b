import { describe, expect, it } from "vitest";
import { ConflictError } from "../../domain/errors.ts";
import { versionedRecords } from "./versioned-records.ts";

interface Thing {
  id: string;
  state: string;
  tags: string[];
  version: number;
}

const thing = (id: string, state: string, version = 1): Thing => ({
  id,
  state,
  tags: ["a"],
  version,
});

describe("versionedRecords", () => {
  it("keeps each record in the group of its current indexed value", () => {
    const r = versionedRecords<Thing>({ indexBy: (t) => t.state });
    r.create("1", thing("1", "queued"));
    r.create("2", thing("2", "queued"));
    r.put("3", 0, "taken", thing("3", "running"));
    const ids = (state: string) => r.grouped(state).map((t) => t.id);
    expect(ids("queued")).toEqual(["1", "2"]);
    r.replace("1", 1, "moved", (t) => ({ ...t, state: "running", version: 2 }));
    expect(ids("queued")).toEqual(["2"]);
    expect(ids("running").sort()).toEqual(["1", "3"]);
    r.touch("2", (t) => ({ ...t, state: "done" }));
    expect(ids("queued")).toEqual([]);
    expect(ids("done")).toEqual(["2"]);
    r.remove("3", 1, "moved");
    expect(ids("running")).toEqual(["1"]);
    expect(() => r.remove("1", 1, "moved")).toThrow(ConflictError);
    expect(ids("running")).toEqual(["1"]);
    expect(ids("nothing")).toEqual([]);
  });

  it("never hands out what it stores, and keeps nothing a caller holds", () => {
    const r = versionedRecords<Thing>({ indexBy: (t) => t.state });
    const mine = thing("1", "queued");
    r.create("1", mine);
    mine.tags.push("changed by the caller");
    const read = r.get("1");
    read?.tags.push("changed by a reader");
    const next = r.replace("1", 1, "moved", (t) => ({ ...t, version: 2 }));
    next.tags.push("changed after a replace");
    expect(r.get("1")?.tags).toEqual(["a"]);
    expect(r.grouped("queued")[0]?.tags).toEqual(["a"]);
  });

  it("refuses a grouped read of records kept without an index", () => {
    expect(() => versionedRecords<Thing>().grouped("queued")).toThrow(/without an index/);
  });
});
