import type { Clock } from "../../ports/clock.ts";
import type { MarkerStore } from "../../ports/marker-store.ts";
import { copyData } from "./copy.ts";

/**
 * MarkerStore in process memory, with the DynamoDB store's expiry rule: a marker put at `now`
 * for `ttlSeconds` lives until `floor(now / 1000) + ttlSeconds` epoch seconds (the store keeps
 * whole seconds for DynamoDB's TTL), and reads after that find nothing.
 */
export function createMemoryMarkerStore(options: { clock: Clock }): MarkerStore {
  const { clock } = options;
  const markers = new Map<string, { value: Record<string, unknown>; expiresAt: number }>();
  return {
    async put(name, value, ttlSeconds) {
      const expiresAt = Math.floor(clock.now() / 1000) + ttlSeconds;
      markers.set(name, { value: copyData(value), expiresAt });
    },
    async get(name) {
      const marker = markers.get(name);
      if (!marker) return null;
      if (marker.expiresAt * 1000 > clock.now()) return copyData(marker.value);
      // Expired: forget it, as DynamoDB's TTL eventually does.
      markers.delete(name);
      return null;
    },
  };
}
