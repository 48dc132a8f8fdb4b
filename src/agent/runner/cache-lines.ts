import type { CacheCounts } from "./types.ts";

/** Counting state for one log stream; a size line is attributed to the save/restore after it. */
export interface CacheLineState {
  counts: CacheCounts;
  pendingBytes: number | undefined;
}

/** A fresh state with nothing counted. */
export function emptyCacheState(): CacheLineState {
  return {
    counts: { hits: 0, misses: 0, bytesDownloaded: 0, bytesUploaded: 0 },
    pendingBytes: undefined,
  };
}

// The messages of the `@actions/cache` toolkit (actions/cache, setup-node, setup-python, …).
const SIZE = /Cache Size: ~?[\d.]+ MB \((\d+) B\)/;
const HIT = /Cache restored from key: /;
const MISS = /Cache not found for input keys: /;
const SAVED = /Cache saved with key: /;

/** Counts cache hits, misses and bytes in one line of a job log; mutates `state`. */
export function countCacheLine(state: CacheLineState, line: string): void {
  const size = SIZE.exec(line);
  if (size) {
    state.pendingBytes = Number(size[1]);
    return;
  }
  const c = state.counts;
  if (HIT.test(line)) {
    c.hits += 1;
    c.bytesDownloaded += state.pendingBytes ?? 0;
    state.pendingBytes = undefined;
  } else if (MISS.test(line)) {
    c.misses += 1;
    state.pendingBytes = undefined;
  } else if (SAVED.test(line)) {
    c.bytesUploaded += state.pendingBytes ?? 0;
    state.pendingBytes = undefined;
  }
}

/** Adds several counts together. */
export function sumCacheCounts(all: readonly CacheCounts[]): CacheCounts {
  return all.reduce(
    (a, b) => ({
      hits: a.hits + b.hits,
      misses: a.misses + b.misses,
      bytesDownloaded: a.bytesDownloaded + b.bytesDownloaded,
      bytesUploaded: a.bytesUploaded + b.bytesUploaded,
    }),
    { hits: 0, misses: 0, bytesDownloaded: 0, bytesUploaded: 0 },
  );
}
