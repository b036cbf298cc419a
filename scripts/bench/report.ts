// The benchmark's outputs: a Markdown table, JSON, and an SVG bar chart of the ratios.
import fs from "node:fs";
import path from "node:path";

export interface Row {
  metric: string;
  direct: string;
  lb: string;
  result: string;
  target: string;
  pass: boolean | null;
}

export function markdown(rows: Row[], meta: Record<string, string>): string {
  const lines = [
    `| metric | direct | through the LB | result | target | |`,
    `|---|---|---|---|---|---|`,
    ...rows.map(
      (r) =>
        `| ${r.metric} | ${r.direct} | ${r.lb} | ${r.result} | ${r.target} | ${r.pass === null ? "" : r.pass ? "✅" : "❌"} |`,
    ),
  ];
  const head = Object.entries(meta).map(([k, v]) => `- ${k}: ${v}`);
  return [...head, "", ...lines, ""].join("\n");
}

export function svgChart(bars: Array<{ label: string; value: number; target: number }>): string {
  const w = 560;
  const rowH = 36;
  const h = bars.length * rowH + 40;
  const scale = (v: number) => Math.max(1, Math.min(1, v) * (w - 200));
  const rows = bars
    .map((b, i) => {
      const y = 30 + i * rowH;
      const color = b.value >= b.target ? "#16a34a" : "#dc2626";
      return [
        `<text x="0" y="${y + 15}" font-size="12">${b.label}</text>`,
        `<rect x="160" y="${y}" width="${scale(b.value)}" height="20" fill="${color}"/>`,
        `<line x1="${160 + scale(b.target)}" y1="${y - 3}" x2="${160 + scale(b.target)}" y2="${y + 23}" stroke="#111" stroke-dasharray="3,2"/>`,
        `<text x="${165 + scale(b.value)}" y="${y + 15}" font-size="12">${b.value.toFixed(2)}×</text>`,
      ].join("");
    })
    .join("\n");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif"><text x="0" y="16" font-size="13" font-weight="bold">Throughput through the LB ÷ direct (dashed: target)</text>${rows}</svg>\n`;
}

export function writeOutputs(
  dir: string,
  rows: Row[],
  meta: Record<string, string>,
  raw: unknown,
  bars: Array<{ label: string; value: number; target: number }>,
) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "latest.json"), JSON.stringify({ meta, rows, raw }, null, 2));
  fs.writeFileSync(path.join(dir, "latest.md"), markdown(rows, meta));
  fs.writeFileSync(path.join(dir, "throughput.svg"), svgChart(bars));
}
