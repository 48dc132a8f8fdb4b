/** A value, or every problem that kept it from being made: start-up reports them all at once. */
export type Result<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** A successful result. */
export const ok = <T>(value: T): Result<T> => ({ ok: true, value });

/** A failed result listing every problem. */
export const failed = <T>(problems: string[]): Result<T> => ({ ok: false, problems });

/** The text an entry point prints (or fails with) when the configuration is refused. */
export function configurationReport(problems: readonly string[]): string {
  return ["runs-fleet: invalid configuration:", ...problems.map((p) => `  - ${p}`)].join("\n");
}
