import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createMinHeap } from "./min-heap.ts";

describe("createMinHeap", () => {
  it("gives items back least first, whatever order they went in", () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), (xs) => {
        const heap = createMinHeap<number>((a, b) => a < b);
        for (const x of xs) heap.push(x);
        expect(heap.size).toBe(xs.length);
        const out: number[] = [];
        for (let x = heap.pop(); x !== undefined; x = heap.pop()) out.push(x);
        expect(out).toEqual([...xs].sort((a, b) => a - b));
        expect(heap.peek()).toBeUndefined();
      }),
    );
  });

  it("peeks at the least item without taking it", () => {
    const heap = createMinHeap<{ at: number }>((a, b) => a.at < b.at);
    heap.push({ at: 3 });
    heap.push({ at: 1 });
    expect(heap.peek()).toEqual({ at: 1 });
    expect(heap.size).toBe(2);
  });
});
