import { readFile } from "node:fs/promises";
import { uptime } from "node:os";
import { join } from "node:path";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SSMClient } from "@aws-sdk/client-ssm";
import { createJsonLogger } from "../shared/logger.ts";
import { parseArgs, USAGE } from "./cli.ts";
import { parseEnvFile } from "./config/env-file.ts";
import { defaultPaths } from "./config/paths.ts";
import { type AgentConfig, resolveConfig } from "./config/resolve.ts";
import { createEventFactory } from "./events/build.ts";
import { startOutbox } from "./events/outbox.ts";
import { adoptingEventKey, loadEventSigner } from "./events/sign.ts";
import { createSpool } from "./events/spool.ts";
import { createSqsEventSink } from "./events/sqs-sink.ts";
import { createImdsClient } from "./imds/client.ts";
import { runAgent } from "./lifecycle.ts";
import { startActionsRunner } from "./runner/actions-runner.ts";
import { startDryRun } from "./runner/dry-run.ts";
import type { RunnerLauncher } from "./runner/types.ts";
import { createFileRunnerConfigStore } from "./runner-config/file-store.ts";
import { createSsmRunnerConfigStore } from "./runner-config/ssm-store.ts";
import { createTerminator, defaultShutdownCommand } from "./teardown.ts";
import { AGENT_VERSION } from "./version.ts";

/** Exit codes: sysexits' EX_USAGE, EX_UNAVAILABLE and EX_CONFIG. */
const EXIT = { usage: 64, unavailable: 69, config: 78 } as const;

async function readEnvFile(path: string, explicit: boolean): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if (!explicit && (err as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new Error(`cannot read env file ${path}: ${(err as Error).message}`);
  }
  const { vars, badLines } = parseEnvFile(text);
  if (badLines.length > 0)
    console.warn(`${path}: ignoring lines ${badLines.join(", ")} (not NAME=value)`);
  return vars;
}

function aws(config: AgentConfig, endpoint: string | undefined) {
  return {
    region: config.region,
    maxAttempts: 2,
    ...(endpoint ? { endpoint } : {}),
    ...(config.credentials ? { credentials: config.credentials } : {}),
  };
}

async function main(): Promise<number> {
  const processStart = Math.round(performance.timeOrigin);
  const command = parseArgs(process.argv.slice(2));
  if (command.kind === "version") {
    console.log(AGENT_VERSION);
    return 0;
  }
  if (command.kind === "help") {
    console.log(USAGE);
    return 0;
  }
  if (command.kind === "error") {
    console.error(`${command.message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const platform = process.platform;
  const paths = defaultPaths(platform, process.env.ProgramData);
  let envFile: Record<string, string>;
  try {
    envFile = await readEnvFile(command.envFile ?? paths.envFile, command.envFile !== undefined);
  } catch (err) {
    console.error((err as Error).message);
    return EXIT.config;
  }
  const imdsEndpoint =
    process.env.RUNS_FLEET_IMDS_ENDPOINT ||
    envFile.RUNS_FLEET_IMDS_ENDPOINT ||
    "http://169.254.169.254";
  // IMDS can be slow to answer while an instance boots: allow about a minute before giving up.
  const imds = createImdsClient({
    endpoint: imdsEndpoint,
    attempts: 10,
    maxMs: 5000,
    timeoutMs: 5000,
  });
  const imdsStart = Date.now();
  let identity: Awaited<ReturnType<typeof imds.identity>>;
  let tags: Record<string, string>;
  try {
    [identity, tags] = await Promise.all([imds.identity(), imds.tags()]);
  } catch (err) {
    console.error(`cannot read instance metadata from ${imdsEndpoint}: ${(err as Error).message}`);
    return EXIT.unavailable;
  }
  const imdsMs = Date.now() - imdsStart;
  const resolved = resolveConfig({ processEnv: process.env, envFile, tags, identity, platform });
  if (!resolved.ok) {
    console.error(
      `invalid agent configuration:\n${resolved.issues.map((i) => `  - ${i}`).join("\n")}`,
    );
    return EXIT.config;
  }
  const config = resolved.config;
  const logger = createJsonLogger({
    level: config.logLevel,
    base: { instanceId: config.instanceId, agentVersion: AGENT_VERSION },
  });

  const shutdown = new AbortController();
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      logger.warn("signal received", { signal });
      shutdown.abort(signal);
    });
  }

  // Kept beside the spooled events (the spool reads only *.json): they go out signed after a restart.
  const signer = await loadEventSigner(join(config.spoolDir, "event-key"), logger);
  const outbox = startOutbox({
    spool: createSpool(config.spoolDir),
    sink: createSqsEventSink({
      client: new SQSClient(aws(config, config.sqsEndpoint)),
      queueUrl: config.eventsQueueUrl,
      signer,
    }),
    retry: { baseMs: 200, maxMs: config.sendRetryMaxSeconds * 1000 },
    logger,
  });
  const source = config.runnerConfigSource;
  const store = adoptingEventKey(
    source.kind === "file"
      ? createFileRunnerConfigStore(source.dir)
      : createSsmRunnerConfigStore({
          client: new SSMClient(aws(config, config.ssmEndpoint)),
          prefix: config.ssmPrefix,
        }),
    signer,
  );
  const launch: RunnerLauncher = async (runnerConfig) =>
    runnerConfig.kind === "dry-run"
      ? startDryRun(runnerConfig)
      : await startActionsRunner(runnerConfig, {
          runnerDir: config.runnerDir,
          user: config.runnerUser,
          platform,
          logger,
          env: process.env,
        });
  const terminator = createTerminator({
    shutdownCommand: config.shutdownCommand ?? defaultShutdownCommand(platform),
    platform,
    logger,
  });

  const now = Date.now();
  const bootTimings: Record<string, number> = { imdsMs, agentInitMs: now - processStart };
  if (config.bootStartedAt !== undefined) {
    bootTimings.bootstrapToAgentMs = processStart - config.bootStartedAt;
    bootTimings.osBootToBootstrapMs = Math.round(config.bootStartedAt - (now - uptime() * 1000));
  }
  logger.info("agent started", {
    teardown: config.teardown,
    source: source.kind,
    pool: config.pool,
  });
  return await runAgent({
    config,
    version: AGENT_VERSION,
    imds,
    outbox,
    events: createEventFactory({ instanceId: config.instanceId }),
    store,
    launch,
    terminator,
    logger,
    shutdown: shutdown.signal,
    bootTimings,
    startedAt: processStart,
    now: Date.now,
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error("runs-fleet-agent failed:", err);
    process.exit(1);
  },
);
