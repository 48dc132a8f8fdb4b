import { ConflictError } from "../../domain/errors.ts";

/**
 * Runs a read–decide–conditional-write step until it goes through without losing a race to
 * another writer. `step` re-reads what it needs on every call; a `ConflictError` from it means
 * "someone wrote first", so the step runs again on their result. Other errors pass through.
 * After `attempts` lost races in a row, throws a `ConflictError` naming `what`.
 */
export async function retryOnConflict<T>(
  what: string,
  step: (attempt: number) => Promise<T>,
  attempts = 5,
): Promise<T> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await step(attempt);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
    }
  }
  throw new ConflictError(`${what} kept changing (${attempts} conflicting writes in a row)`);
}

/** Runs `write`, treating a lost race as "someone else already decided": returns null then. */
export async function unlessConflict<T>(write: () => Promise<T>): Promise<T | null> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof ConflictError) return null;
    throw err;
  }
}
