import { accessRuntime } from "./access-runtime.ts";
import { runCommand } from "./run.ts";

// The only place the CLI touches the process: everything else returns what to print.
const result = await runCommand(process.argv.slice(2), accessRuntime(process.env));
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
process.exitCode = result.exitCode;
