import pkg from "../../package.json" with { type: "json" };

/** The agent's version: the package version, compiled into the binary. */
export const AGENT_VERSION: string = pkg.version;
