import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { Language, type Node, Parser } from "web-tree-sitter";

const require = createRequire(import.meta.url);

/**
 * A PowerShell parser: the tree-sitter grammar's WebAssembly build, run by web-tree-sitter, so
 * nothing native is built or downloaded at install time. It checks syntax only; no PowerShell
 * runs here.
 */
export async function powershellParser(): Promise<Parser> {
  await Parser.init();
  const wasm = require.resolve("tree-sitter-powershell/tree-sitter-powershell.wasm");
  const language = await Language.load(await readFile(wasm));
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

/** Every node under `root`, depth first. */
export function* nodes(root: Node): Generator<Node> {
  yield root;
  for (const child of root.children) if (child) yield* nodes(child);
}

/** Syntax errors: where the parser found an error or had to assume a missing token. */
export function syntaxErrors(root: Node): string[] {
  const out: string[] = [];
  for (const n of nodes(root)) {
    if (n.isError || n.isMissing) {
      const where = `line ${n.startPosition.row + 1}, column ${n.startPosition.column + 1}`;
      out.push(
        `${where}: ${n.isMissing ? `missing ${n.type}` : `unexpected ${JSON.stringify(n.text.slice(0, 40))}`}`,
      );
    }
  }
  return out;
}

/** A variable's name as PowerShell matches it: case-insensitive, without `script:` / `${}`. */
export function variableName(text: string): string {
  return text
    .replace(/^[$@]\{?/, "")
    .replace(/\}$/, "")
    .replace(/^(script|global|local):/i, "")
    .toLowerCase();
}
