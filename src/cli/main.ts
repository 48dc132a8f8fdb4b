import { runCli } from "./run.ts";

// The only place the CLI touches the process: everything else returns what to print.
const result = runCli(process.argv.slice(2));
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
process.exitCode = result.exitCode;
