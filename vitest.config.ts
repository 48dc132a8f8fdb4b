import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Deadlines, not measurements: generous enough for a busy two-core machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Two files at a time even on two cores: most suites wait on servers and agent processes
    // rather than compute (vitest's default would be one file at a time there).
    maxWorkers: 2,
    reporters: ["default"],
    // The AWS SDK warns on Node 20 in every worker; the README states the supported versions.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
