// A small dependency-free SVG line chart: axes with round ticks, one polyline per series, a legend.

export interface Series {
  name: string;
  color: string;
  points: readonly (readonly [x: number, y: number])[];
}

export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  formatX?: (x: number) => string;
  formatY?: (y: number) => string;
}

const width = 760;
const height = 420;
const margin = { top: 48, right: 24, bottom: 56, left: 72 };

/** Renders the chart as a standalone SVG document. */
export function lineChart(chart: LineChart): string {
  const { formatX = String, formatY = String } = chart;
  const points = chart.series.flatMap((series) => series.points);
  const xTicks = ticks(Math.max(...points.map(([x]) => x)));
  const yTicks = ticks(Math.max(...points.map(([, y]) => y)));
  const xMax = xTicks.at(-1)!;
  const yMax = yTicks.at(-1)!;
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const px = (x: number) => round(margin.left + (x / xMax) * plotWidth);
  const py = (y: number) => round(margin.top + plotHeight - (y / yMax) * plotHeight);
  const bottom = margin.top + plotHeight;

  const grid = yTicks.map(
    (y) =>
      `<line x1="${margin.left}" y1="${py(y)}" x2="${width - margin.right}" y2="${py(y)}" stroke="#e5e5e5"/>` +
      `<text x="${margin.left - 8}" y="${py(y) + 4}" text-anchor="end">${escapeXml(formatY(y))}</text>`,
  );
  const xAxis = xTicks.map(
    (x) =>
      `<line x1="${px(x)}" y1="${bottom}" x2="${px(x)}" y2="${bottom + 5}" stroke="#333"/>` +
      `<text x="${px(x)}" y="${bottom + 20}" text-anchor="middle">${escapeXml(formatX(x))}</text>`,
  );
  const lines = chart.series.map(
    (series) =>
      `<polyline fill="none" stroke="${series.color}" stroke-width="2.5" stroke-linejoin="round" points="${series.points
        .map(([x, y]) => `${px(x)},${py(y)}`)
        .join(' ')}"/>`,
  );
  const endLabels = chart.series.map((series) => {
    const [x, y] = series.points.at(-1)!;
    return `<text x="${px(x) - 4}" y="${py(y) - 8}" text-anchor="end" fill="${series.color}" font-weight="600">${escapeXml(formatY(round(y)))}</text>`;
  });
  const legend = chart.series.map(
    (series, i) =>
      `<rect x="${margin.left + 16}" y="${margin.top + 10 + i * 22}" width="14" height="4" fill="${series.color}"/>` +
      `<text x="${margin.left + 38}" y="${margin.top + 16 + i * 22}">${escapeXml(series.name)}</text>`,
  );

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12" fill="#333">`,
    `<title>${escapeXml(chart.title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="26" text-anchor="middle" font-size="15" font-weight="600">${escapeXml(chart.title)}</text>`,
    ...grid,
    `<line x1="${margin.left}" y1="${bottom}" x2="${width - margin.right}" y2="${bottom}" stroke="#333"/>`,
    `<line x1="${margin.left}" y1="${margin.top}" x2="${margin.left}" y2="${bottom}" stroke="#333"/>`,
    ...xAxis,
    `<text x="${margin.left + plotWidth / 2}" y="${height - 12}" text-anchor="middle">${escapeXml(chart.xLabel)}</text>`,
    `<text transform="translate(18 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escapeXml(chart.yLabel)}</text>`,
    ...lines,
    ...endLabels,
    ...legend,
    '</svg>',
    '',
  ].join('\n');
}

/** Round tick values from 0 to at least `max`: steps of 1, 2 or 5 times a power of ten, about 5 of them. */
function ticks(max: number): number[] {
  const rough = Math.max(max, Number.MIN_VALUE) / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 5, 10].find((factor) => factor * power >= rough) ?? 10) * power;
  const count = Math.max(1, Math.ceil(max / step));
  return Array.from({ length: count + 1 }, (_, i) => round(i * step));
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
