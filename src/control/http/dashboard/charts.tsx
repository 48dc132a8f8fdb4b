/** @jsxImportSource hono/jsx */

/** One series of a stacked bar chart, with its CSS class (colour). */
export interface Series {
  name: string;
  className: string;
  values: readonly number[];
}

/**
 * A stacked bar chart as inline SVG, rendered on the server: no chart library, no script, and
 * it works the same on every runtime (a library would need a bundler or a CDN).
 */
export function BarChart(props: {
  title: string;
  labels: readonly string[];
  series: readonly Series[];
}) {
  const { labels, series } = props;
  const width = 720;
  const height = 180;
  const pad = { left: 28, bottom: 22, top: 8 };
  const totals = labels.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const slot = (width - pad.left) / Math.max(1, labels.length);
  const bar = Math.max(2, slot * 0.7);
  const plot = height - pad.bottom - pad.top;
  const y = (value: number) => (value / max) * plot;
  return (
    <figure class="chart">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={props.title}
        preserveAspectRatio="none"
      >
        <title>{props.title}</title>
        <line
          x1={pad.left}
          y1={height - pad.bottom}
          x2={width}
          y2={height - pad.bottom}
          class="axis"
        />
        <text x={pad.left - 4} y={pad.top + 8} class="tick" text-anchor="end">
          {max}
        </text>
        <text x={pad.left - 4} y={height - pad.bottom} class="tick" text-anchor="end">
          0
        </text>
        {labels.map((label, i) => {
          let base = height - pad.bottom;
          const x = pad.left + i * slot + (slot - bar) / 2;
          return (
            <g>
              {series.map((s) => {
                const h = y(s.values[i] ?? 0);
                base -= h;
                return h > 0 ? (
                  <rect x={x} y={base} width={bar} height={h} class={s.className}>
                    <title>{`${label}: ${s.values[i]} ${s.name}`}</title>
                  </rect>
                ) : null;
              })}
              {i % Math.ceil(labels.length / 8) === 0 ? (
                <text x={x + bar / 2} y={height - 6} class="tick" text-anchor="middle">
                  {label}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption>
        {props.title}
        {series.map((s) => (
          <span class="legend">
            <i class={s.className} /> {s.name}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

/** A horizontal split bar (spot vs on-demand, GitHub vs us). */
export function SplitBar(props: {
  title: string;
  parts: readonly { name: string; value: number; className: string }[];
}) {
  const total = props.parts.reduce((s, p) => s + p.value, 0);
  return (
    <figure class="split" aria-label={props.title}>
      <div class="track">
        {props.parts.map((p) =>
          total > 0 && p.value > 0 ? (
            <div
              class={`part ${p.className}`}
              style={`width:${((p.value / total) * 100).toFixed(1)}%`}
              title={`${p.name}: ${p.value}`}
            />
          ) : null,
        )}
      </div>
      <figcaption>
        {props.title}:{" "}
        {props.parts.map((p) => (
          <span class="legend">
            <i class={p.className} /> {p.name} {p.value}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
