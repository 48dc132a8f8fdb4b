import { canReach, type FakeState, notFound, type Reply, type Who } from "./fake-github-state.ts";

const states = new Set(["error", "failure", "pending", "success"]);

/** File contents at a ref and commit statuses, as an installation reaches them with its token. */
export function commitsRoute(
  state: FakeState,
  method: string,
  path: string,
  query: URLSearchParams,
  body: Record<string, unknown>,
  who: Extract<Who, { kind: "token" }>,
): Reply {
  const contents = /^\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/.exec(path);
  if (contents && method === "GET") {
    const [owner, repo, file] = [contents[1] ?? "", contents[2] ?? "", contents[3] ?? ""];
    if (!canReach(who.installation, owner, repo)) return notFound;
    const ref = query.get("ref") ?? "main";
    const text = state.files.get(`${owner}/${repo}@${ref}:${decodeURIComponent(file)}`);
    if (text === undefined) return notFound;
    const content = Buffer.from(text, "utf8").toString("base64");
    // GitHub wraps the base64 at 60 characters.
    const wrapped = content.replace(/(.{60})/g, "$1\n");
    return {
      status: 200,
      body: { type: "file", encoding: "base64", path: file, content: wrapped },
    };
  }
  const status = /^\/repos\/([^/]+)\/([^/]+)\/statuses\/([0-9a-f]{40})$/.exec(path);
  if (status && method === "POST") {
    const [owner, repo, sha] = [status[1] ?? "", status[2] ?? "", status[3] ?? ""];
    if (!canReach(who.installation, owner, repo)) return notFound;
    const { state: s, context, description } = body;
    if (typeof s !== "string" || !states.has(s))
      return { status: 422, body: { message: "Validation Failed: state" } };
    if (typeof description === "string" && description.length > 140)
      return { status: 422, body: { message: "Validation Failed: description is too long" } };
    const entry = {
      repo: `${owner}/${repo}`,
      sha,
      state: s,
      context: typeof context === "string" ? context : "default",
      description: typeof description === "string" ? description : "",
    };
    state.statuses.push(entry);
    return { status: 201, body: { id: state.nextId++, ...entry } };
  }
  return notFound;
}
