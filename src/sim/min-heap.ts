/**
 * A binary min-heap ordered by `less`: the simulator's event queue and the pool replay's
 * member returns both take the earliest item next.
 */
export function createMinHeap<T>(less: (a: T, b: T) => boolean) {
  const items: T[] = [];
  const swap = (i: number, j: number) => {
    [items[i], items[j]] = [items[j]!, items[i]!];
  };
  return {
    /** How many items are held. */
    get size() {
      return items.length;
    },
    /** The least item, left in place; undefined when empty. */
    peek(): T | undefined {
      return items[0];
    },
    push(item: T) {
      items.push(item);
      for (let i = items.length - 1; i > 0; ) {
        const p = (i - 1) >> 1;
        if (!less(items[i]!, items[p]!)) break;
        swap(i, p);
        i = p;
      }
    },
    /** Takes the least item out; undefined when empty. */
    pop(): T | undefined {
      const top = items[0];
      const last = items.pop();
      if (items.length > 0 && last !== undefined) {
        items[0] = last;
        for (let i = 0; ; ) {
          const l = 2 * i + 1;
          let m = i;
          if (l < items.length && less(items[l]!, items[m]!)) m = l;
          if (l + 1 < items.length && less(items[l + 1]!, items[m]!)) m = l + 1;
          if (m === i) break;
          swap(i, m);
          i = m;
        }
      }
      return top;
    },
  };
}
