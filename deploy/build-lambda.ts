/**
 * Bundles the control plane for AWS Lambda (Node 22 runtime, handler `lambda.handler`):
 *
 *   npx tsx deploy/build-lambda.ts --config runs-fleet.yaml
 *       → dist/lambda/lambda.mjs (+ .map), dist/lambda/runs-fleet.yaml, dist/lambda/lambda.zip
 *   options: --out DIR   --external-sdk   --no-zip
 *
 * One ESM file made by esbuild from src/control/entry/lambda.ts. The AWS SDK is bundled by
 * default, so the function runs the SDK versions the tests ran, whatever the runtime ships;
 * `--external-sdk` leaves `@aws-sdk/*` to the runtime's copy for a smaller zip. The config file
 * (placement, aliases) goes into the zip as `runs-fleet.yaml`, which the stack points
 * RUNS_FLEET_CONFIG_FILE at; it is checked here so a bad file fails the build, not the deploy.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { parseFleetFile } from "../src/control/entry/fleet-file.ts";
import { zip } from "./zip.ts";

/** The config file's name inside the package (the stack sets `/var/task/<this>`). */
export const lambdaConfigName = "runs-fleet.yaml";
/** The bundle's file name; with the exported `handler` it makes the handler `lambda.handler`. */
export const lambdaBundleName = "lambda.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const entry = join(root, "src/control/entry/lambda.ts");

// ESM output has no `require`; some bundled CommonJS packages call it for Node built-ins.
const requireShim = [
  'import { createRequire as __runsFleetCreateRequire } from "node:module";',
  "const require = __runsFleetCreateRequire(import.meta.url);",
].join("\n");

export interface BuildLambdaOptions {
  outDir: string;
  /** The YAML/JSON config file to ship; AWS mode needs its `placement` section. */
  configFile?: string | undefined;
  /** Leave `@aws-sdk/*` to the Lambda runtime instead of bundling it. */
  externalSdk?: boolean;
  /** Write lambda.zip (default true). */
  zip?: boolean;
}

export interface BuiltLambda {
  bundle: string;
  zip: string | null;
  /** Files in the package, by name inside it. */
  files: string[];
}

/** Checks a config file the way the function will read it; throws listing every problem. */
export function checkConfigFile(path: string): void {
  const fleet = parseFleetFile(readFileSync(path, "utf8"));
  if (!fleet.placement)
    throw new Error(`${path}: a placement section (launch templates, subnets) is required`);
}

/** Bundles the handler into `outDir` and, unless told not to, zips it for upload. */
export async function buildLambda(options: BuildLambdaOptions): Promise<BuiltLambda> {
  const outDir = resolve(options.outDir);
  if (options.configFile) checkConfigFile(options.configFile);
  mkdirSync(outDir, { recursive: true });
  for (const stale of [lambdaBundleName, `${lambdaBundleName}.map`, lambdaConfigName, "lambda.zip"])
    rmSync(join(outDir, stale), { force: true });

  const bundle = join(outDir, lambdaBundleName);
  await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile: bundle,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    minify: true,
    // Error classes and loggers keep their names in logs.
    keepNames: true,
    sourcemap: "linked",
    sourcesContent: false,
    banner: { js: requireShim },
    external: options.externalSdk ? ["@aws-sdk/*"] : [],
    logLevel: "warning",
  });

  const files = [lambdaBundleName, `${lambdaBundleName}.map`];
  if (options.configFile) {
    copyFileSync(options.configFile, join(outDir, lambdaConfigName));
    files.push(lambdaConfigName);
  }
  let zipPath: string | null = null;
  if (options.zip ?? true) {
    zipPath = join(outDir, "lambda.zip");
    writeFileSync(
      zipPath,
      zip(files.map((name) => ({ name, data: readFileSync(join(outDir, name)) }))),
    );
  }
  return { bundle, zip: zipPath, files };
}

async function main(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: "string" },
      out: { type: "string", default: join(root, "dist/lambda") },
      "external-sdk": { type: "boolean", default: false },
      "no-zip": { type: "boolean", default: false },
    },
  });
  if (!values.config)
    console.warn(
      "no --config given: the package has no runs-fleet.yaml, and AWS mode will refuse to start without placement",
    );
  const built = await buildLambda({
    outDir: values.out,
    configFile: values.config,
    externalSdk: values["external-sdk"],
    zip: !values["no-zip"],
  });
  const size = (p: string) => `${(statSync(p).size / 1024 / 1024).toFixed(1)} MB`;
  console.log(`bundle  ${built.bundle} (${size(built.bundle)})`);
  if (built.zip) {
    console.log(`zip     ${built.zip} (${size(built.zip)}): ${built.files.join(", ")}`);
    // A new key per build: CloudFormation updates the function only when Code changes.
    console.log(
      `next    aws s3 cp ${built.zip} s3://<code-bucket>/runs-fleet/lambda-<build-id>.zip, then deploy the stack with CodeKey=runs-fleet/lambda-<build-id>.zip`,
    );
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
