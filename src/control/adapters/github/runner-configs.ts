import type { Octokit } from "@octokit/core";
import * as v from "valibot";
import type { Logger } from "../../../shared/logger.ts";
import type { RunnerConfig } from "../../../shared/runner-config.ts";
import { FleetError, NotFoundError, ValidationError } from "../../domain/errors.ts";
import { runnerName } from "../../domain/runner-name.ts";
import type { Clock } from "../../ports/clock.ts";
import type { RunnerRequest } from "../../ports/github.ts";
import type { AppPool } from "./app-pool.ts";
import type { GitHubConfig } from "./config.ts";
import type { Installation } from "./installations.ts";

const JitSchema = v.object({
  runner: v.object({ id: v.number() }),
  encoded_jit_config: v.pipe(v.string(), v.minLength(1)),
});
const RegistrationTokenSchema = v.object({ token: v.pipe(v.string(), v.minLength(1)) });
const RunnerGroupsSchema = v.object({
  runner_groups: v.array(v.object({ id: v.number(), name: v.string() })),
});

/** A config made, with what to log about it. */
interface Made {
  config: RunnerConfig;
  runnerId: number | undefined;
  inst: Installation;
}

/** Repository runners always join the default group, which has id 1 everywhere. */
const defaultGroupId = 1;
/** After JIT was refused, registration tokens are used for this long before JIT is tried again. */
const jitRefusedForMs = 60 * 60_000;

function ownerAndName(repo: string): { owner: string; name: string } {
  const [owner, name, ...rest] = repo.split("/");
  if (!owner || !name || rest.length > 0)
    throw new ValidationError(`repository "${repo}" is not owner/name`);
  return { owner, name };
}

/**
 * Creates runner configs: a JIT config from `generate-jitconfig` (repository or organisation
 * endpoint), or a registration token where JIT is turned off or refused. The config is a
 * secret: only ids and names are logged.
 */
export function createRunnerConfigs(deps: {
  pool: AppPool;
  config: GitHubConfig;
  clock: Clock;
  logger: Logger;
}) {
  const { pool, config, clock, logger } = deps;
  const groupIds = new Map<string, number>();
  const jitRefusedUntil = new Map<string, number>();

  const runnerGroupId = async (octokit: Octokit, org: string): Promise<number> => {
    const wanted = config.runnerGroup;
    if (config.runnerScope !== "org" || wanted === undefined) return defaultGroupId;
    if (/^\d+$/.test(wanted)) return Number(wanted);
    const known = groupIds.get(org);
    if (known !== undefined) return known;
    for (let page = 1; page <= 10; page++) {
      const res = await octokit.request("GET /orgs/{org}/actions/runner-groups", {
        org,
        per_page: 100,
        page,
      });
      const groups = v.parse(RunnerGroupsSchema, res.data).runner_groups;
      const hit = groups.find((g) => g.name.toLowerCase() === wanted.toLowerCase());
      if (hit !== undefined) {
        groupIds.set(org, hit.id);
        return hit.id;
      }
      if (groups.length < 100) break;
    }
    throw new FleetError(
      "github.runner_group_not_found",
      `runner group "${wanted}" does not exist in ${org}`,
    );
  };

  const jit = (req: RunnerRequest, labels: string[], name: string): Promise<Made> =>
    pool.run({ ...target(req), what: `JIT config for job ${req.jobId}` }, async (octokit, inst) => {
      const { owner, name: repo } = ownerAndName(req.repo);
      const body = { name, labels, runner_group_id: await runnerGroupId(octokit, owner) };
      const res =
        config.runnerScope === "org"
          ? await octokit.request("POST /orgs/{org}/actions/runners/generate-jitconfig", {
              org: owner,
              ...body,
            })
          : await octokit.request("POST /repos/{owner}/{repo}/actions/runners/generate-jitconfig", {
              owner,
              repo,
              ...body,
            });
      const data = v.parse(JitSchema, res.data);
      const cfg: RunnerConfig = {
        kind: "jit",
        jobId: req.jobId,
        runnerName: name,
        encodedJitConfig: data.encoded_jit_config,
      };
      return { config: cfg, runnerId: data.runner.id, inst };
    });

  const registration = (req: RunnerRequest, labels: string[], name: string): Promise<Made> =>
    pool.run(
      { ...target(req), what: `registration token for job ${req.jobId}` },
      async (octokit, inst) => {
        const { owner, name: repo } = ownerAndName(req.repo);
        const res =
          config.runnerScope === "org"
            ? await octokit.request("POST /orgs/{org}/actions/runners/registration-token", {
                org: owner,
              })
            : await octokit.request(
                "POST /repos/{owner}/{repo}/actions/runners/registration-token",
                { owner, repo },
              );
        const { token } = v.parse(RegistrationTokenSchema, res.data);
        const url =
          config.runnerScope === "org"
            ? `${config.serverUrl}/${owner}`
            : `${config.serverUrl}/${owner}/${repo}`;
        const cfg: RunnerConfig = {
          kind: "registration",
          jobId: req.jobId,
          runnerName: name,
          url,
          token,
          labels,
        };
        if (config.runnerScope === "org" && config.runnerGroup !== undefined)
          cfg.runnerGroup = config.runnerGroup;
        return { config: cfg, runnerId: undefined, inst };
      },
    );

  /** Creates the runner config for one job on one instance. */
  return async (req: RunnerRequest): Promise<RunnerConfig> => {
    ownerAndName(req.repo);
    const labels = [...new Set(req.labels.map((l) => l.trim()).filter((l) => l !== ""))];
    if (labels.length === 0 || labels.length > 100) {
      throw new ValidationError(`job ${req.jobId} needs 1 to 100 labels, has ${labels.length}`);
    }
    const name = runnerName(req.jobId, req.instanceId);
    const account = config.runnerScope === "org" ? ownerAndName(req.repo).owner : req.repo;
    const useJit = config.jit && (jitRefusedUntil.get(account) ?? 0) <= clock.now();
    let made: Made | undefined;
    if (useJit) {
      try {
        made = await jit(req, labels, name);
      } catch (err) {
        if (
          !(err instanceof NotFoundError) &&
          !(err instanceof FleetError && err.code === "github.forbidden")
        )
          throw err;
        // Older GitHub Enterprise Servers have no JIT endpoint; some policies refuse it.
        jitRefusedUntil.set(account, clock.now() + jitRefusedForMs);
        logger.warn("JIT runner config refused, using a registration token", {
          jobId: req.jobId,
          repo: req.repo,
          reason: err.message,
        });
      }
    }
    if (made === undefined) made = await registration(req, labels, name);
    logger.info("runner config created", {
      jobId: req.jobId,
      instanceId: req.instanceId,
      repo: req.repo,
      runnerName: name,
      kind: made.config.kind,
      runnerId: made.runnerId,
      appId: made.inst.appId,
      installationId: made.inst.installationId,
    });
    return made.config;
  };
}

function target(req: { repo: string; installationId?: number }) {
  return req.installationId === undefined
    ? { repo: req.repo }
    : { repo: req.repo, installationId: req.installationId };
}
