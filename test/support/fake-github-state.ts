import type { IssuedToken } from "./fake-github-auth.ts";

/** An App installation on one account. */
export interface FakeInstallation {
  id: number;
  appId: string;
  /** The account (user or organisation) it is installed on. */
  owner: string;
  /** Repository names it may act on; all of the owner's when absent. */
  repos?: string[];
}

export interface FakeRunner {
  id: number;
  name: string;
  labels: string[];
  groupId: number;
  busy: boolean;
  status: "online" | "offline";
}

/** Everything the fake knows; tests change it through the controls of `startFakeGitHub`. */
export interface FakeState {
  now: () => number;
  tokenTtlMs: number;
  jitConfigBytes: number;
  /** False answers 404 on `generate-jitconfig`, as servers without JIT do. */
  jitEnabled: boolean;
  publicKeys: Map<string, string>;
  installations: Map<number, FakeInstallation>;
  tokens: Map<string, IssuedToken>;
  /** Keyed `owner/repo#jobId`. */
  jobs: Map<string, { status: string; conclusion: string | null }>;
  /** Keyed by scope: `owner/repo`, or `org` for organisation runners. */
  runners: Map<string, FakeRunner[]>;
  groups: Map<string, Array<{ id: number; name: string }>>;
  /** Repository files by `owner/repo@ref:path` (ref: a commit SHA or a branch). */
  files: Map<string, string>;
  /** Commit statuses in the order they were set. */
  statuses: FakeStatus[];
  /** Every secret handed out, to look for in logs. */
  secrets: string[];
  nextId: number;
}

/** A commit status as set through the API. */
export interface FakeStatus {
  repo: string;
  sha: string;
  state: string;
  context: string;
  description: string;
}

/** Who made a request: an App (JWT) or an installation (token). */
export type Who =
  | { kind: "jwt"; appId: string }
  | { kind: "token"; installation: FakeInstallation };

/** What the fake answers. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export const notFound: Reply = { status: 404, body: { message: "Not Found" } };

/** True when the installation may act on the account (and repository, when given). */
export function canReach(inst: FakeInstallation, owner: string, repo?: string): boolean {
  return (
    inst.owner === owner &&
    (repo === undefined || inst.repos === undefined || inst.repos.includes(repo))
  );
}

/** The runners of a scope, created empty on first use. */
export function runnerList(state: FakeState, scope: string): FakeRunner[] {
  let list = state.runners.get(scope);
  if (list === undefined) {
    list = [];
    state.runners.set(scope, list);
  }
  return list;
}
