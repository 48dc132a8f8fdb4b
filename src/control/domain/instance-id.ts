const instanceIdPattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** True when `id` can name an instance in a parameter path or file name (no `/`, no `..`). */
export function isSafeInstanceId(id: string): boolean {
  return instanceIdPattern.test(id) && !id.includes("..");
}
