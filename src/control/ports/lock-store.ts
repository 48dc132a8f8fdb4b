/** Who holds a lock and until when. */
export interface LockHolder {
  owner: string;
  /** Ms since the epoch; the lock is free from then on. */
  expiresAt: number;
}

/**
 * Named locks with expiry (the locks table): one replica runs a scheduled task at a time, and a
 * holder that dies frees its lock by letting it expire. Time comes from the store's Clock.
 */
export interface LockStore {
  /** Takes the lock for `ttlMs` when it is free, expired or already ours; true when taken. */
  acquire(name: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Moves our lock's expiry to `ttlMs` from now; false when the lock is no longer ours. */
  renew(name: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives the lock up; false when it was not ours (never held, or expired and taken over). */
  release(name: string, owner: string): Promise<boolean>;
  /** The current holder, or null when the lock is free (expired locks read as free). */
  holder(name: string): Promise<LockHolder | null>;
}
