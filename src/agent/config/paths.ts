/** Where the agent keeps its files by default, per platform. */
export interface DefaultPaths {
  envFile: string;
  spoolDir: string;
  runnerDir: string;
}

/** Default paths: FHS locations on Linux, ProgramData and C:\actions-runner on Windows. */
export function defaultPaths(platform: string, programData?: string): DefaultPaths {
  if (platform === "win32") {
    const base = `${programData ?? "C:\\ProgramData"}\\runs-fleet`;
    return {
      envFile: `${base}\\agent.env`,
      spoolDir: `${base}\\spool`,
      runnerDir: "C:\\actions-runner",
    };
  }
  return {
    envFile: "/etc/runs-fleet/agent.env",
    spoolDir: "/var/lib/runs-fleet/spool",
    runnerDir: "/opt/actions-runner",
  };
}
