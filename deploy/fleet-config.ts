/**
 * Writes the config file for a stack made from deploy/cloudformation.yaml: the `placement`
 * section naming the stack's launch templates and the subnets runners may use.
 *
 *   npx tsx deploy/fleet-config.ts --prefix runs-fleet- --region us-east-1 \
 *     --subnet subnet-0abc=us-east-1a --subnet subnet-0def=us-east-1b \
 *     [--subnet staging:subnet-0123=us-east-1a] [--templates linux-amd64,linux-arm64] \
 *     [--linux-root-device /dev/xvda] [--out runs-fleet.yaml [--force]]
 *
 * `--subnet [env:]id=zone` adds a subnet to environment `env` (`default` when absent). The
 * launch templates are named `<prefix><os>-<arch>` by the stack, so the file can be written
 * before the stack exists. The result is checked with the control plane's own parser.
 */
import { existsSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { parseFleetFile } from "../src/control/entry/fleet-file.ts";

/** The launch templates the stack can make, with the root device of each OS. */
export const stackTemplateKeys = ["linux-amd64", "linux-arm64", "windows-amd64"] as const;
export type StackTemplateKey = (typeof stackTemplateKeys)[number];

export interface FleetConfigOptions {
  prefix: string;
  region: string;
  /** `[env:]subnet-id=zone`, as on the command line. */
  subnets: readonly string[];
  templates?: readonly StackTemplateKey[];
  linuxRootDevice?: string;
}

/** The stack's launch template name for one OS and architecture. */
export function launchTemplateName(prefix: string, key: StackTemplateKey): string {
  return `${prefix}${key}`;
}

function parseSubnet(spec: string): { env: string; subnetId: string; az: string } {
  const m =
    /^(?:([a-z][a-z0-9-]{0,31}):)?(subnet-[0-9a-f]+)=([a-z]{2}(?:-gov)?-[a-z]+-\d[a-z])$/.exec(
      spec,
    );
  if (!m)
    throw new Error(`--subnet ${spec}: expected [env:]subnet-id=zone, e.g. subnet-0abc=us-east-1a`);
  return { env: m[1] ?? "default", subnetId: m[2]!, az: m[3]! };
}

/** The config file's text; throws when the control plane would refuse it. */
export function fleetConfig(options: FleetConfigOptions): string {
  if (options.subnets.length === 0) throw new Error("give at least one --subnet");
  const subnets: Record<string, { subnetId: string; az: string }[]> = {};
  for (const spec of options.subnets) {
    const s = parseSubnet(spec);
    subnets[s.env] = [...(subnets[s.env] ?? []), { subnetId: s.subnetId, az: s.az }];
  }
  const launchTemplates: Record<string, { name: string; version: string; rootDeviceName: string }> =
    {};
  for (const key of options.templates ?? stackTemplateKeys) {
    launchTemplates[key] = {
      name: launchTemplateName(options.prefix, key),
      // The stack owns the templates; each stack update makes a new version.
      version: "$Latest",
      rootDeviceName: key.startsWith("windows")
        ? "/dev/sda1"
        : (options.linuxRootDevice ?? "/dev/xvda"),
    };
  }
  const text = stringify({
    placement: { region: options.region, launchTemplates, subnets },
    aliases: [],
  });
  parseFleetFile(text);
  return text;
}

function main(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      prefix: { type: "string", default: "runs-fleet-" },
      region: { type: "string" },
      subnet: { type: "string", multiple: true, default: [] },
      templates: { type: "string" },
      "linux-root-device": { type: "string" },
      out: { type: "string" },
      force: { type: "boolean", default: false },
    },
  });
  if (!values.region) throw new Error("--region is required");
  const templates = values.templates?.split(",").map((t) => t.trim());
  for (const t of templates ?? [])
    if (!(stackTemplateKeys as readonly string[]).includes(t))
      throw new Error(`--templates: ${t} is not one of ${stackTemplateKeys.join(", ")}`);
  const text = fleetConfig({
    prefix: values.prefix,
    region: values.region,
    subnets: values.subnet,
    ...(templates ? { templates: templates as StackTemplateKey[] } : {}),
    ...(values["linux-root-device"] ? { linuxRootDevice: values["linux-root-device"] } : {}),
  });
  if (!values.out) {
    process.stdout.write(text);
    return;
  }
  if (existsSync(values.out) && !values.force)
    throw new Error(`${values.out} exists; pass --force to replace it`);
  writeFileSync(values.out, text);
  console.error(`wrote ${values.out}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 2;
  }
}
