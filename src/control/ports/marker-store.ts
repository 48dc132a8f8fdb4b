/** Small named facts that expire (e.g. "the next attempt of this job goes on-demand"). */
export interface MarkerStore {
  /** Stores `value` under `name` for `ttlSeconds`, replacing any earlier value. */
  put(
    name: string,
    value: Record<string, string | number | boolean>,
    ttlSeconds: number,
  ): Promise<void>;
  /** The value, or null when absent or expired. */
  get(name: string): Promise<Record<string, unknown> | null>;
}
