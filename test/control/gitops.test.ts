import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../src/control/adapters/clock.ts";
import { type Harness, harness } from "../github/harness.ts";
import {
  ADMIN_TOKEN,
  buildPlane,
  captureLogger,
  deliver,
  workflowJobExample,
} from "../support/app.ts";
import { type Backends, startBackends } from "../support/control-plane.ts";

const repo = "acme/.github-private";
const path = ".github/runs-fleet.yml";
let commitSeq = 0;
const newSha = () => (++commitSeq).toString(16).padStart(40, "a");

const validFile = `
pools:
  - name: linux-arm
    spec: cpu=4/arch=arm64
    hot: 2
    stopped: 4
    idleTimeoutMinutes: 30
    schedules:
      - { cron: "0 8 * * 1-5", until: "0 19 * * 1-5", timezone: Europe/Berlin, hot: 6, stopped: 10 }
aliases:
  - match: linux-large
    spec: cpu=8
`;

// Three problems: a bad pool name, a cron expression croner refuses, an unknown label key.
const invalidFile = `
pools:
  - name: "-bad name"
    spec: cpu=4
    schedules:
      - { cron: "not a cron", until: "0 19 * * 1-5", hot: 1, stopped: 0 }
aliases:
  - match: linux-huge
    spec: cpus=64
`;

/** GitHub's own `push` example, made a push of `sha` to `ref` of `full` touching `files`. */
async function pushPayload(o: { sha: string; ref?: string; full?: string; files?: string[] }) {
  const { default: examples } = await import("@octokit/webhooks-examples", {
    with: { type: "json" },
  });
  const group = (
    examples as unknown as Array<{ name: string; examples: Array<Record<string, unknown>> }>
  ).find((e) => e.name === "push");
  const example = group?.examples.find((e) => String(e.ref).startsWith("refs/heads/"));
  if (!example) throw new Error("no branch push example");
  const [owner, name] = (o.full ?? repo).split("/");
  const copy = structuredClone(example) as Record<string, unknown> & {
    repository: Record<string, unknown> & { owner: Record<string, unknown> };
    commits: Array<Record<string, unknown>>;
  };
  Object.assign(copy.repository, { name, full_name: o.full ?? repo, default_branch: "main" });
  copy.repository.owner.login = owner;
  Object.assign(copy, { ref: o.ref ?? "refs/heads/main", after: o.sha });
  copy.commits = [
    { ...copy.commits[0], id: o.sha, added: [], removed: [], modified: o.files ?? [path] },
  ];
  return copy;
}

const admin = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };

let b: Backends;
let h: Harness;
beforeAll(async () => {
  b = await startBackends({ prefix: "gitops-" });
});
afterAll(async () => {
  await b?.stop();
});
afterEach(async () => {
  await h?.stop();
});

async function setup() {
  h = await harness();
  h.fake.addInstallation({ id: 7, appId: "101", owner: "acme" });
  const { logger, lines } = captureLogger();
  const clock = fixedClock(Date.parse("2026-04-01T10:00:00Z"));
  const plane = buildPlane(b, { commits: h.github, logger, clock });
  return { plane, lines, clock };
}

describe("GitOps configuration", () => {
  it("applies a valid pushed file: a new version, shown by the API, pools and aliases in effect", async () => {
    const { plane } = await setup();
    const before = await deliver(
      plane.app,
      "workflow_job",
      await workflowJobExample("queued", { labels: ["linux-large"], jobId: 91_000_001 }),
    );
    expect(await before.json()).toMatchObject({ ignored: "no runs-fleet label" });
    const start = (await (await plane.app.request("/api/config", admin)).json()) as {
      latestStored: number | null;
    };

    const sha = newSha();
    h.fake.putFile(repo, sha, path, validFile);
    const res = await deliver(plane.app, "push", await pushPayload({ sha }));
    expect(res.status).toBe(202);
    const body = (await res.json()) as { outcome: string; version: number };
    expect(body).toMatchObject({ outcome: "applied", commit: sha });
    expect(body.version).toBe((start.latestStored ?? 0) + 1);

    const view = await (await plane.app.request("/api/config", admin)).json();
    expect(view).toMatchObject({
      active: {
        version: body.version,
        kind: "gitops",
        commit: sha,
        source: `${repo}:${path}`,
        appliedAt: "2026-04-01T10:00:00.000Z",
        aliases: [{ match: "linux-large", spec: "cpu=8" }],
      },
    });
    expect(h.fake.statuses(repo, sha)).toEqual([
      expect.objectContaining({ state: "success", context: "runs-fleet/config" }),
    ]);
    // In effect without a restart: the alias now maps the label, the pool is defined.
    const after = await deliver(
      plane.app,
      "workflow_job",
      await workflowJobExample("queued", { labels: ["linux-large"], jobId: 91_000_002 }),
    );
    expect(await after.json()).toMatchObject({ outcome: "queued" });
    expect((await plane.jobs.get("91000002"))?.spec?.cpu).toEqual({ min: 8, max: 16 });
    expect(await plane.configs.active.get("linux-arm")).toMatchObject({ hot: 2, stopped: 4 });
    expect(await plane.configs.active.origin()).toEqual({
      source: "gitops",
      version: String(body.version),
    });
  });

  it("refuses an invalid file: nothing changes, a failure status and a log line name each problem", async () => {
    const { plane, lines } = await setup();
    const good = newSha();
    h.fake.putFile(repo, good, path, validFile);
    await deliver(plane.app, "push", await pushPayload({ sha: good }));
    const active = await plane.configStore.active();

    const bad = newSha();
    h.fake.putFile(repo, bad, path, invalidFile);
    const res = await deliver(plane.app, "push", await pushPayload({ sha: bad }));
    expect(res.status).toBe(202);
    const body = (await res.json()) as { outcome: string; problems: string[] };
    expect(body.outcome).toBe("refused");
    expect(body.problems).toEqual([
      expect.stringMatching(/^pools\.0\.name: must match/),
      expect.stringMatching(/^pools\.0\.schedules\.0\.cron: not a valid cron expression/),
      expect.stringMatching(/^aliases\.0\.spec: unknown key "cpus" — did you mean "cpu"\?/),
    ]);
    expect(await plane.configStore.active()).toEqual(active);
    const [status] = h.fake.statuses(repo, bad);
    expect(status).toMatchObject({ state: "failure", context: "runs-fleet/config" });
    expect(status?.description).toMatch(/^3 problems, not applied: pools\.0\.name/);
    const logged = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === "config refused, the active one stays");
    expect(logged).toMatchObject({ commit: bad, problems: body.problems });
    const view = (await (await plane.app.request("/api/config", admin)).json()) as {
      active: { commit: string };
      lastRefused: unknown;
    };
    expect(view.active.commit).toBe(good);
    expect(view.lastRefused).toMatchObject({ commit: bad, problems: body.problems });
    // The old config stays in effect.
    expect(await plane.configs.active.get("linux-arm")).not.toBeNull();
  });

  it("ignores a push to another branch, another repository, or one not touching the file", async () => {
    const { plane } = await setup();
    const sha = newSha();
    h.fake.putFile(repo, sha, path, invalidFile);
    const cases = [
      { payload: await pushPayload({ sha, ref: "refs/heads/feature" }), reason: /default branch/ },
      { payload: await pushPayload({ sha, files: ["README.md"] }), reason: /does not touch/ },
      {
        payload: await pushPayload({ sha, full: "acme/app" }),
        reason: /not the config repository/,
      },
    ];
    const before = await plane.configStore.lastRefusal();
    for (const c of cases) {
      const res = await deliver(plane.app, "push", c.payload);
      expect(res.status).toBe(202);
      expect(((await res.json()) as { ignored: string }).ignored).toMatch(c.reason);
    }
    expect(h.fake.count("GET", /\/contents\//)).toBe(0);
    expect(h.fake.statuses(repo, sha)).toEqual([]);
    expect(await plane.configStore.lastRefusal()).toEqual(before);
  });

  it("refuses a malformed push payload with a 400 and changes nothing", async () => {
    const { plane } = await setup();
    const res = await deliver(plane.app, "push", { ref: "refs/heads/main", after: "nope" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/invalid push payload/);
  });

  it("two replicas applying the same push make one version; the other replica takes it after its cache interval", async () => {
    const { plane: a, clock } = await setup();
    const replicaB = buildPlane(b, { commits: h.github, clock });
    const startB = await replicaB.configs.active.snapshot();
    const sha = newSha();
    h.fake.putFile(repo, sha, path, validFile.replace("hot: 2", "hot: 3"));
    const payload = await pushPayload({ sha });
    const results = await Promise.all([
      deliver(a.app, "push", payload, { deliveryId: "same" }),
      deliver(replicaB.app, "push", payload, { deliveryId: "same" }),
    ]);
    const outcomes = (await Promise.all(results.map((r) => r.json()))) as Array<{
      outcome: string;
      version: number;
    }>;
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(["applied", "unchanged"]);
    expect(outcomes[0]?.version).toBe(outcomes[1]?.version);
    const stored = await a.configStore.active();
    expect(stored).toMatchObject({ commit: sha, version: outcomes[0]?.version });
    expect(stored?.version).toBe((startB.version?.version ?? 0) + 1);

    // A third replica that read before the push keeps its copy until the interval passes.
    const replicaC = buildPlane(b, { commits: h.github, clock });
    const seen = (await replicaC.configs.active.snapshot()).version?.version;
    const next = newSha();
    h.fake.putFile(repo, next, path, validFile.replace("hot: 2", "hot: 5"));
    await deliver(a.app, "push", await pushPayload({ sha: next }));
    expect((await replicaC.configs.active.snapshot()).version?.version).toBe(seen);
    clock.advance(10_000);
    expect((await replicaC.configs.active.get("linux-arm"))?.hot).toBe(5);
  });
});
