import * as v from "valibot";

const Paths = v.optional(v.array(v.string()), []);

/** The parts of GitHub's `push` webhook the GitOps flow reads; the rest is ignored. */
export const PushEventSchema = v.object({
  ref: v.string(),
  after: v.pipe(v.string(), v.regex(/^[0-9a-f]{40}$/, "must be a commit SHA")),
  deleted: v.optional(v.boolean(), false),
  repository: v.object({
    name: v.string(),
    full_name: v.string(),
    default_branch: v.string(),
    owner: v.object({ login: v.string() }),
  }),
  commits: v.optional(v.array(v.object({ added: Paths, modified: Paths, removed: Paths })), []),
});
export type PushEvent = v.InferOutput<typeof PushEventSchema>;

/** GitHub lists at most this many commits in one push payload; a longer push is cut. */
const maxListedCommits = 2048;

/** Whether the push says it touched `path` (a cut-off commit list counts as touched). */
export function pushTouches(event: PushEvent, path: string): boolean {
  if (event.commits.length >= maxListedCommits) return true;
  return event.commits.some((c) =>
    [...c.added, ...c.modified, ...c.removed].some((p) => p === path),
  );
}

/**
 * Whether the pushing repository is the config repository: `owner/name` matches exactly; a bare
 * name matches that repository in whichever account pushes (GitHub compares names
 * case-insensitively).
 */
export function isConfigRepository(event: PushEvent, configured: string): boolean {
  const want = configured.includes("/")
    ? configured
    : `${event.repository.owner.login}/${configured}`;
  return want.toLowerCase() === event.repository.full_name.toLowerCase();
}
