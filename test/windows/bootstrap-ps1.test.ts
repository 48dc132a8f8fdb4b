import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import type { Parser } from "web-tree-sitter";
import { nodes, powershellParser, syntaxErrors, variableName } from "./powershell.ts";

const scriptPath = new URL("../../scripts/bootstrap.ps1", import.meta.url);

/** Cmdlets and programs of Windows Server 2022 (Windows PowerShell 5.1) the script may call. */
const builtIns = new Set(
  [
    "Add-Content",
    "ConvertTo-Json",
    "Copy-Item",
    "ForEach-Object",
    "Get-ChildItem",
    "Get-Content",
    "Get-FileHash",
    "Get-ScheduledTask",
    "Get-Service",
    "Invoke-RestMethod",
    "Invoke-WebRequest",
    "Join-Path",
    "Move-Item",
    "New-Item",
    "New-Object",
    "New-ScheduledTaskAction",
    "New-ScheduledTaskPrincipal",
    "New-ScheduledTaskSettingsSet",
    "New-ScheduledTaskTrigger",
    "New-TimeSpan",
    "Out-Null",
    "Register-ScheduledTask",
    "Remove-Item",
    "Set-Content",
    "Sort-Object",
    "Split-Path",
    "Start-ScheduledTask",
    "Start-Service",
    "Start-Sleep",
    "Test-Path",
    "cmd.exe",
    "Where-Object",
    "Write-Host",
    "icacls",
  ].map((name) => name.toLowerCase()),
);

/** Variables PowerShell defines itself. */
const automatic = new Set([
  "_",
  "true",
  "false",
  "null",
  "lastexitcode",
  "erroractionpreference",
  "progresspreference",
]);

let parser: Parser;
let source: string;
beforeAll(async () => {
  parser = await powershellParser();
  source = await readFile(scriptPath, "utf8");
});

function tree(text: string) {
  const parsed = parser.parse(text);
  if (!parsed) throw new Error("the parser gave no tree");
  return parsed.rootNode;
}

describe("scripts/bootstrap.ps1", () => {
  it("parses with no syntax error", () => {
    expect(syntaxErrors(tree(source))).toEqual([]);
  });

  it("the parser does catch what PowerShell would refuse", () => {
    // An unclosed block, an unclosed string, a stray operator: each must be found.
    expect(
      syntaxErrors(
        tree(
          source.replace("function Get-Tag([string]$Key) {", "function Get-Tag([string]$Key) {{"),
        ),
      ),
    ).not.toEqual([]);
    expect(syntaxErrors(tree(`${source}\n$x = "unclosed\n`))).not.toEqual([]);
    expect(syntaxErrors(tree("if ($a -eq) { }"))).not.toEqual([]);
  });

  it("calls only functions it defines and cmdlets Windows Server ships", () => {
    expect(unknownCommands(source)).toEqual([]);
    expect(
      unknownCommands(source.replace("Write-Log 'bootstrap starting'", "Write-Lgo 'x'")),
    ).toEqual(["Write-Lgo"]);
  });

  it("uses every function it defines", () => {
    const root = tree(source);
    const defined = new Set(
      root.descendantsOfType("function_name").flatMap((n) => (n ? [n.text.toLowerCase()] : [])),
    );
    // Every function it defines is used: a renamed call would otherwise go unnoticed.
    const calls = new Set(root.descendantsOfType("command_name").map((n) => n?.text.toLowerCase()));
    expect([...defined].filter((name) => !calls.has(name))).toEqual([]);
  });

  it("reads no variable it never sets (a typo would be $null at run time, not an error)", () => {
    expect(unsetVariables(source)).toEqual([]);
    expect(
      unsetVariables(source.replace("$script:Stage, $Message", "$script:Stgae, $Message")),
    ).toEqual(["$script:Stgae"]);
  });
});

function unknownCommands(text: string): string[] {
  const root = tree(text);
  const defined = new Set(
    root.descendantsOfType("function_name").flatMap((n) => (n ? [n.text.toLowerCase()] : [])),
  );
  const called = root
    .descendantsOfType("command_name")
    .flatMap((n) => (n ? [n.text] : []))
    .filter((name) => !defined.has(name.toLowerCase()) && !builtIns.has(name.toLowerCase()));
  return [...new Set(called)];
}

function unsetVariables(text: string): string[] {
  const root = tree(text);
  const set = new Set<string>(automatic);
  for (const n of nodes(root)) {
    const target =
      n.type === "left_assignment_expression" || n.type === "script_parameter"
        ? n.descendantsOfType("variable")[0]
        : n.type === "foreach_statement"
          ? (n.childForFieldName("variable") ?? n.descendantsOfType("variable")[0])
          : null;
    if (target) set.add(variableName(target.text));
  }
  const unset = new Set<string>();
  for (const n of nodes(root)) {
    if (n.type !== "variable" && n.type !== "braced_variable") continue;
    const name = variableName(n.text);
    if (name.startsWith("env:")) continue;
    if (!set.has(name)) unset.add(n.text);
  }
  return [...unset];
}
