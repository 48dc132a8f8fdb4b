#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx runs-fleet` works in a checkout with no build step.
import { tsImport } from "tsx/esm/api";

await tsImport("../src/cli/main.ts", import.meta.url);
