/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";

/**
 * Renders the markdown the cost report writes (headings, paragraphs, lists, tables, `code`,
 * **bold**) as JSX, so every text is escaped: no HTML from a report reaches the page. Written
 * here because a full markdown library would need raw-HTML output and a sanitiser besides.
 */
export function Marked(props: { text: string }) {
  const lines = props.text.replace(/\r\n/g, "\n").split("\n");
  const out: Child[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? "";
    const heading = /^(#{1,4})\s+(.*)$/.exec(line);
    if (heading) {
      const level = (heading[1] ?? "#").length + 1;
      const text = inline(heading[2] ?? "");
      out.push(level === 2 ? <h2>{text}</h2> : level === 3 ? <h3>{text}</h3> : <h4>{text}</h4>);
      i++;
    } else if (/^\s*\|/.test(line)) {
      const rows: string[][] = [];
      while (i < lines.length && /^\s*\|/.test(lines[i] ?? "")) {
        const cells = (lines[i] ?? "")
          .trim()
          .replace(/^\||\|$/g, "")
          .split("|")
          .map((c) => c.trim());
        if (!cells.every((c) => /^:?-{2,}:?$/.test(c))) rows.push(cells);
        i++;
      }
      const [head, ...body] = rows;
      out.push(
        <div class="table">
          <table>
            <thead>
              <tr>
                {(head ?? []).map((c) => (
                  <th>{inline(c)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {body.map((r) => (
                <tr>
                  {r.map((c) => (
                    <td>{inline(c)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>,
      );
    } else if (/^\s*[-*]\s+/.test(line)) {
      const items: Child[] = [];
      while (i < lines.length && /^\s*[-*]\s+/.test(lines[i] ?? "")) {
        items.push(<li>{inline((lines[i] ?? "").replace(/^\s*[-*]\s+/, ""))}</li>);
        i++;
      }
      out.push(<ul>{items}</ul>);
    } else if (line.startsWith("```")) {
      const code: string[] = [];
      i++;
      while (i < lines.length && !(lines[i] ?? "").startsWith("```")) code.push(lines[i++] ?? "");
      i++;
      out.push(<pre>{code.join("\n")}</pre>);
    } else if (line.trim() === "") {
      i++;
    } else {
      const para: string[] = [];
      while (
        i < lines.length &&
        (lines[i] ?? "").trim() !== "" &&
        !/^(#|\s*\||\s*[-*]\s|```)/.test(lines[i] ?? "")
      )
        para.push(lines[i++] ?? "");
      out.push(<p>{inline(para.join(" "))}</p>);
    }
  }
  return <>{out}</>;
}

/** `code` and **bold** inside a line; everything else is text. */
function inline(text: string): Child[] {
  return text
    .split(/(`[^`]+`|\*\*[^*]+\*\*)/)
    .map((part) =>
      part.startsWith("`") && part.endsWith("`") && part.length > 1 ? (
        <code>{part.slice(1, -1)}</code>
      ) : part.startsWith("**") && part.endsWith("**") && part.length > 3 ? (
        <strong>{part.slice(2, -2)}</strong>
      ) : (
        part
      ),
    );
}
