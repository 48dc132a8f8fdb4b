import { randomBytes } from "node:crypto";
import { newEncodedJitConfig, newInstallationToken } from "./fake-github-auth.ts";
import { commitsRoute } from "./fake-github-commits.ts";
import {
  canReach,
  type FakeRunner,
  type FakeState,
  notFound,
  type Reply,
  runnerList,
  type Who,
} from "./fake-github-state.ts";

type Body = Record<string, unknown>;

/** Endpoints an App calls with its JWT: token exchange and installation look-ups. */
export function appRoute(state: FakeState, method: string, path: string, appId: string): Reply {
  const exchange = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path);
  if (method === "POST" && exchange) {
    const inst = state.installations.get(Number(exchange[1]));
    if (!inst || inst.appId !== appId) return notFound;
    const token = newInstallationToken();
    const expiresAt = state.now() + state.tokenTtlMs;
    state.tokens.set(token, { token, installationId: inst.id, expiresAt });
    state.secrets.push(token);
    return {
      status: 201,
      body: {
        token,
        expires_at: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
        permissions: { actions: "read", administration: "write" },
        repository_selection: inst.repos ? "selected" : "all",
      },
    };
  }
  const lookup =
    /^\/repos\/([^/]+)\/([^/]+)\/installation$/.exec(path) ??
    /^\/orgs\/([^/]+)\/installation$/.exec(path);
  if (method === "GET" && lookup) {
    const [owner, repo] = [lookup[1] ?? "", lookup[2]];
    const inst = [...state.installations.values()].find(
      (i) => i.appId === appId && canReach(i, owner, repo),
    );
    if (!inst) return notFound;
    return {
      status: 200,
      body: { id: inst.id, app_id: Number(inst.appId), account: { login: inst.owner } },
    };
  }
  return {
    status: 403,
    body: { message: "A JSON web token cannot be used to access this endpoint" },
  };
}

function generateJitConfig(
  state: FakeState,
  scope: string,
  orgLevel: boolean,
  owner: string,
  body: Body,
): Reply {
  if (!state.jitEnabled) return notFound;
  const { name, labels, runner_group_id } = body;
  if (typeof runner_group_id !== "number") {
    return {
      status: 422,
      body: { message: "Invalid input: object is missing required key: runner_group_id" },
    };
  }
  if (
    typeof name !== "string" ||
    name === "" ||
    !Array.isArray(labels) ||
    labels.length < 1 ||
    labels.length > 100
  ) {
    return { status: 422, body: { message: "Validation Failed" } };
  }
  const groupKnown =
    runner_group_id === 1 ||
    (orgLevel && (state.groups.get(owner) ?? []).some((g) => g.id === runner_group_id));
  if (!groupKnown) return notFound;
  const list = runnerList(state, scope);
  if (list.some((r) => r.name === name)) {
    return {
      status: 409,
      body: { message: "Already exists - A runner with the same name already exists." },
    };
  }
  const runner: FakeRunner = {
    id: state.nextId++,
    name,
    labels: labels.map(String),
    groupId: runner_group_id,
    busy: false,
    status: "offline",
  };
  list.push(runner);
  const encoded = newEncodedJitConfig(name, state.jitConfigBytes);
  state.secrets.push(encoded);
  const labelObjects = runner.labels.map((l, i) => ({ id: i + 1, name: l, type: "custom" }));
  return {
    status: 201,
    body: { runner: { ...runner, labels: labelObjects }, encoded_jit_config: encoded },
  };
}

function runnerRoute(
  state: FakeState,
  method: string,
  m: RegExpExecArray,
  query: URLSearchParams,
  body: Body,
): Reply {
  const owner = m[1] ?? m[3] ?? "";
  const repo = m[2];
  const scope = repo === undefined ? owner : `${owner}/${repo}`;
  const [what, sub] = [m[4], m[5]];
  if (what === "runner-groups") {
    if (method !== "GET" || repo !== undefined) return notFound;
    const list = [{ id: 1, name: "Default" }, ...(state.groups.get(owner) ?? [])];
    return { status: 200, body: { total_count: list.length, runner_groups: list } };
  }
  if (method === "POST" && sub === "generate-jitconfig") {
    return generateJitConfig(state, scope, repo === undefined, owner, body);
  }
  if (method === "POST" && sub === "registration-token") {
    const token = randomBytes(20).toString("hex").toUpperCase();
    state.secrets.push(token);
    return {
      status: 201,
      body: { token, expires_at: new Date(state.now() + 3_600_000).toISOString() },
    };
  }
  if (method === "GET" && sub === undefined) {
    const name = query.get("name");
    const list = runnerList(state, scope).filter((r) => name === null || r.name === name);
    return { status: 200, body: { total_count: list.length, runners: list } };
  }
  if (method === "DELETE" && sub !== undefined) {
    const list = runnerList(state, scope);
    const at = list.findIndex((r) => r.id === Number(sub));
    const runner = list[at];
    if (runner === undefined) return notFound;
    if (runner.busy) {
      return {
        status: 422,
        body: { message: `Bad request - Runner "${runner.name}" is still running a job"` },
      };
    }
    list.splice(at, 1);
    return { status: 204 };
  }
  return notFound;
}

function jobRoute(state: FakeState, method: string, m: RegExpExecArray): Reply {
  const job = state.jobs.get(`${m[1]}/${m[2]}#${m[3]}`);
  if (!job) return notFound;
  if (method === "GET" && !m[4]) {
    return {
      status: 200,
      body: { id: Number(m[3]), status: job.status, conclusion: job.conclusion },
    };
  }
  if (method === "POST" && m[4]) {
    if (job.status !== "completed")
      return { status: 403, body: { message: "This workflow is already running" } };
    Object.assign(job, { status: "queued", conclusion: null });
    return { status: 201, body: {} };
  }
  return notFound;
}

/** Endpoints an installation calls with its token: runners, runner groups, jobs. */
export function installationRoute(
  state: FakeState,
  method: string,
  path: string,
  query: URLSearchParams,
  body: Body,
  who: Extract<Who, { kind: "token" }>,
): Reply {
  const runners =
    /^\/(?:repos\/([^/]+)\/([^/]+)|orgs\/([^/]+))\/actions\/(runners|runner-groups)(?:\/([^/]+))?$/.exec(
      path,
    );
  if (runners) {
    if (!canReach(who.installation, runners[1] ?? runners[3] ?? "", runners[2])) return notFound;
    return runnerRoute(state, method, runners, query, body);
  }
  const job = /^\/repos\/([^/]+)\/([^/]+)\/actions\/jobs\/(\d+)(\/rerun)?$/.exec(path);
  if (job) {
    if (!canReach(who.installation, job[1] ?? "", job[2])) return notFound;
    return jobRoute(state, method, job);
  }
  return commitsRoute(state, method, path, query, body, who);
}
