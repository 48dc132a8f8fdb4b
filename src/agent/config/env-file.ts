/**
 * Parses an env file (`NAME=value` lines, `#` comments, optional `export `, values optionally in
 * single or double quotes) into variables. The same format systemd's `EnvironmentFile=` reads, so
 * the bootstrap writes one file for both. Lines that are not assignments are reported, not fatal.
 */
export function parseEnvFile(text: string): { vars: Record<string, string>; badLines: number[] } {
  const vars: Record<string, string> = {};
  const badLines: number[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) {
      badLines.push(index + 1);
      return;
    }
    const name = m[1] as string;
    let value = m[2] as string;
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.length >= 2 && value.endsWith(quote)) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\(["\\$`])/g, "$1").replace(/\\n/g, "\n");
    }
    vars[name] = value;
  });
  return { vars, badLines };
}
