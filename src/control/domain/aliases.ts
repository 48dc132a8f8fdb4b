import * as v from "valibot";

/** An alias as written in config: a literal label or a regular expression, and a spec text. */
export const AliasConfigSchema = v.union([
  v.strictObject({ match: v.pipe(v.string(), v.minLength(1)), spec: v.string() }),
  v.strictObject({ regex: v.pipe(v.string(), v.minLength(1)), spec: v.string() }),
]);
export type AliasConfig = v.InferOutput<typeof AliasConfigSchema>;

/** A checked alias, ready to match labels. */
export type Alias =
  | { kind: "match"; match: string; spec: string }
  | { kind: "regex"; regex: RegExp; spec: string };

/** A label an alias mapped: which label, which alias, and the spec text after substitution. */
export interface AliasHit {
  label: string;
  alias: string;
  specText: string;
}

/** Checks aliases from config, listing every problem (bad shape, invalid regular expression). */
export function compileAliases(
  input: unknown,
): { ok: true; aliases: Alias[] } | { ok: false; issues: string[] } {
  const parsed = v.safeParse(v.array(AliasConfigSchema), input);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.issues.map(
        (issue) => `aliases.${v.getDotPath(issue) ?? ""}: ${issue.message}`,
      ),
    };
  }
  const aliases: Alias[] = [];
  const issues: string[] = [];
  parsed.output.forEach((entry, i) => {
    const spec = stripMarker(entry.spec);
    if ("match" in entry) {
      aliases.push({ kind: "match", match: entry.match, spec });
      return;
    }
    try {
      aliases.push({ kind: "regex", regex: new RegExp(entry.regex), spec });
    } catch (err) {
      issues.push(`aliases.${i}.regex: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, aliases };
}

/** Accepts `runs-fleet/cpu=8` as well as `cpu=8` for an alias's spec. */
function stripMarker(spec: string): string {
  if (spec === "runs-fleet") return "";
  return spec.startsWith("runs-fleet/") ? spec.slice("runs-fleet/".length) : spec;
}

/** `${N}` in the spec text replaced by capture N (empty when the group did not take part). */
function substitute(spec: string, captures: RegExpExecArray): string {
  return spec.replace(/\$\{(\d+)\}/g, (_, n: string) => captures[Number(n)] ?? "");
}

/**
 * The first alias, in config order, that matches one of `labels`: a literal alias matches a label
 * equal to its text, a regex alias a label its expression matches. Null when none does.
 */
export function matchAlias(labels: readonly string[], aliases: readonly Alias[]): AliasHit | null {
  for (const alias of aliases) {
    for (const label of labels) {
      if (alias.kind === "match") {
        if (label === alias.match) return { label, alias: alias.match, specText: alias.spec };
        continue;
      }
      const captures = alias.regex.exec(label);
      if (captures !== null) {
        return { label, alias: alias.regex.source, specText: substitute(alias.spec, captures) };
      }
    }
  }
  return null;
}
