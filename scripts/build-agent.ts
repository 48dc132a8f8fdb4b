/**
 * Builds the agent into standalone binaries with `bun build --compile`, using the Bun from the
 * npm devDependency:
 *
 *   npm run build:agent                       all targets into dist/agent/, plus SHA256SUMS
 *   npm run build:agent -- --targets linux-x64
 *
 * Cross-compiling needs the Bun runtime of each target. Rather than letting Bun download it
 * itself, the script fetches the matching `@oven/bun-<os>-<arch>` package with `npm pack` (so
 * the npm configuration — registry, proxy, auth — applies, and npm checks the tarball's
 * integrity), extracts the executable into node_modules/.cache/, and hands it to Bun with
 * `--compile-executable-path`.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { basename, join, resolve } from "node:path";
import { bunExecutable } from "../src/control/entry/bun-path.ts";

interface Target {
  /** Our name, used in the output file name. */
  name: string;
  /** Bun's `--target`. */
  bun: string;
  /** The npm package holding that target's Bun runtime, and the executable inside it. */
  pkg: string;
  exe: string;
  /** `${process.platform}-${process.arch}` of a host that can build it natively. */
  host: string;
}

const TARGETS: Target[] = [
  {
    name: "linux-x64",
    bun: "bun-linux-x64",
    pkg: "@oven/bun-linux-x64",
    exe: "bin/bun",
    host: "linux-x64",
  },
  {
    name: "linux-arm64",
    bun: "bun-linux-arm64",
    pkg: "@oven/bun-linux-aarch64",
    exe: "bin/bun",
    host: "linux-arm64",
  },
  {
    name: "windows-x64",
    bun: "bun-windows-x64",
    pkg: "@oven/bun-windows-x64",
    exe: "bin/bun.exe",
    host: "win32-x64",
  },
];

const root = resolve(import.meta.dirname, "..");
const entry = join(root, "src/agent/main.ts");
const outDir = join(root, "dist/agent");
const cacheDir = join(root, "node_modules/.cache/runs-fleet-agent");
const bunVersion: string = JSON.parse(
  readFileSync(join(root, "node_modules/bun/package.json"), "utf8"),
).version;
const bunBin = bunExecutable(root);

function parseTargets(argv: string[]): Target[] {
  const i = argv.indexOf("--targets");
  if (i === -1) return TARGETS;
  const names = (argv[i + 1] ?? "").split(",").filter(Boolean);
  const unknown = names.filter((n) => !TARGETS.some((t) => t.name === n));
  if (names.length === 0 || unknown.length > 0) {
    throw new Error(
      `--targets takes a comma-separated list of ${TARGETS.map((t) => t.name).join(", ")}`,
    );
  }
  return TARGETS.filter((t) => names.includes(t.name));
}

/** The target's Bun runtime, fetched once per Bun version with `npm pack`. */
function runtimeFor(target: Target): string {
  const dir = join(cacheDir, `${basename(target.pkg)}-${bunVersion}`);
  const exe = join(dir, "package", target.exe);
  if (existsSync(exe)) return exe;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  console.error(`fetching ${target.pkg}@${bunVersion} with npm pack`);
  const out = execFileSync(
    process.platform === "win32" ? "npm.cmd" : "npm",
    ["pack", `${target.pkg}@${bunVersion}`, "--pack-destination", dir, "--json", "--silent"],
    { encoding: "utf8", shell: process.platform === "win32" },
  );
  const [packed] = JSON.parse(out) as [{ filename: string }];
  execFileSync("tar", ["-xzf", join(dir, basename(packed.filename)), "-C", dir]);
  if (!existsSync(exe)) throw new Error(`${target.pkg}@${bunVersion} has no ${target.exe}`);
  return exe;
}

function sha256(path: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash("sha256");
    createReadStream(path)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", reject)
      .on("end", () => resolvePromise(hash.digest("hex")));
  });
}

async function main() {
  const targets = parseTargets(process.argv.slice(2));
  mkdirSync(outDir, { recursive: true });
  const host = `${process.platform}-${process.arch}`;
  for (const target of targets) {
    const outfile = join(
      outDir,
      `runs-fleet-agent-${target.name}${target.name.startsWith("windows") ? ".exe" : ""}`,
    );
    const args = [
      "build",
      entry,
      "--compile",
      `--target=${target.bun}`,
      `--outfile=${outfile}`,
      // Not minified: stack traces in the agent's logs stay readable (it costs ~3 MB of 110).
      // The agent reads its settings itself: never a stray .env or bunfig.toml in its cwd.
      "--no-compile-autoload-dotenv",
      "--no-compile-autoload-bunfig",
      ...(target.host === host ? [] : [`--compile-executable-path=${runtimeFor(target)}`]),
    ];
    console.error(`building ${basename(outfile)} (${target.bun}, Bun ${bunVersion})`);
    execFileSync(bunBin, args, { stdio: "inherit", cwd: root });
  }
  // Checksums of every binary present, in `sha256sum -c` format, for the bootstrap to verify.
  const lines: string[] = [];
  for (const target of TARGETS) {
    const file = `runs-fleet-agent-${target.name}${target.name.startsWith("windows") ? ".exe" : ""}`;
    if (existsSync(join(outDir, file))) lines.push(`${await sha256(join(outDir, file))}  ${file}`);
  }
  writeFileSync(join(outDir, "SHA256SUMS"), `${lines.join("\n")}\n`);
  console.error(`wrote ${join("dist/agent", "SHA256SUMS")} (${lines.length} binaries)`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
