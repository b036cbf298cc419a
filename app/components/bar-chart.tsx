// A small hand-made SVG bar chart (stacked series), server-renderable: no hooks, no library, no CDN.
const COLORS = {
  green: { fill: "fill-green-500", bg: "bg-green-500" },
  red: { fill: "fill-red-500", bg: "bg-red-500" },
  indigo: { fill: "fill-indigo-500", bg: "bg-indigo-500" },
  sky: { fill: "fill-sky-300", bg: "bg-sky-300" },
  amber: { fill: "fill-amber-400", bg: "bg-amber-400" },
} as const;
export type ChartColor = keyof typeof COLORS;

export interface ChartSeries {
  label: string;
  color: ChartColor;
  values: number[];
}

const W = 600;

export function BarChart({
  title,
  series,
  labels,
  height = 140,
  format = (n) => String(Math.round(n)),
  testId,
  minBars = 12,
  showMax = true,
}: {
  title: string;
  series: ChartSeries[];
  /** one label per bar (tooltip); the axis shows the first, middle and last */
  labels: string[];
  height?: number;
  format?: (n: number) => string;
  testId?: string;
  /** with fewer bars than this, bars keep this width and line up on the right (the newest end) */
  minBars?: number;
  /** label the top of the scale (off when the bars are markers, not magnitudes) */
  showMax?: boolean;
}) {
  const n = labels.length;
  const totals = labels.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const slots = Math.max(n, minBars);
  const offset = slots - n;
  const slot = W / slots;
  const barW = Math.max(1, slot * 0.72);
  // axis labels under the bars: first, middle and last; fewer when the bars take little room
  const axis =
    n === 0
      ? []
      : n / slots < 0.3
        ? [labels[n - 1]]
        : n < 5
          ? [labels[0], labels[n - 1]]
          : [labels[0], labels[Math.floor(n / 2)], labels[n - 1]];

  return (
    <figure className="space-y-2" data-testid={testId}>
      <figcaption className="flex flex-wrap items-center justify-between gap-2 text-sm">
        <span className="font-medium text-slate-700">{title}</span>
        <span className="flex gap-3 text-xs text-slate-500">
          {series.map((s) => (
            <span key={s.label} className="inline-flex items-center gap-1">
              <span aria-hidden className={`h-2 w-2 rounded-sm ${COLORS[s.color].bg}`} />
              {s.label}
            </span>
          ))}
        </span>
      </figcaption>
      <div className="relative">
        {showMax && (
          <span className="absolute left-0 top-0 text-[10px] text-slate-400" data-testid="chart-max">
            {format(max)}
          </span>
        )}
        <svg
          viewBox={`0 0 ${W} ${height}`}
          preserveAspectRatio="none"
          className="block w-full"
          style={{ height }}
          role="img"
          aria-label={title}
        >
          {[0.25, 0.5, 0.75].map((f) => (
            <line
              key={f}
              x1={0}
              x2={W}
              y1={height * f}
              y2={height * f}
              className="stroke-slate-100"
              strokeWidth={1}
              vectorEffect="non-scaling-stroke"
            />
          ))}
          <line
            x1={0}
            x2={W}
            y1={height - 0.5}
            y2={height - 0.5}
            className="stroke-slate-300"
            strokeWidth={1}
            vectorEffect="non-scaling-stroke"
          />
          {labels.map((label, i) => {
            let y = height;
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: one bar per slot, the slots are the keys
              <g key={i}>
                <title>{`${label}: ${series.map((s) => `${s.label} ${format(s.values[i] ?? 0)}`).join(", ")}`}</title>
                <rect x={(offset + i) * slot} y={0} width={slot} height={height} fill="transparent" />
                {series.map((s) => {
                  const h = ((s.values[i] ?? 0) / max) * (height - 4);
                  y -= h;
                  return h > 0 ? (
                    <rect
                      key={s.label}
                      x={(offset + i) * slot + (slot - barW) / 2}
                      y={y}
                      width={barW}
                      height={h}
                      rx={1}
                      className={COLORS[s.color].fill}
                    />
                  ) : null;
                })}
              </g>
            );
          })}
        </svg>
      </div>
      <div
        className={`flex text-[10px] text-slate-400 ${axis.length === 1 ? "justify-end" : "justify-between"}`}
        style={{ paddingLeft: `${(offset / slots) * 100}%` }}
      >
        {axis.map((a, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: axis labels are positions
          <span key={i} className="whitespace-nowrap" suppressHydrationWarning>
            {a}
          </span>
        ))}
      </div>
    </figure>
  );
}
