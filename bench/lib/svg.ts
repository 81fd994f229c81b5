/**
 * The cost-curve chart of bench/scaling.ts as a standalone SVG, written by hand (no plotting
 * tool): one panel of microseconds per entry and one of peak RSS, both against entries on a
 * logarithmic axis. A flat line is linear cost; a rising one is worse than linear.
 */

export interface Series {
  readonly name: string;
  readonly color: string;
  /** (entries, value) points, entries ascending. */
  readonly points: readonly (readonly [number, number])[];
}

export interface Panel {
  readonly title: string;
  readonly unit: string;
  readonly series: readonly Series[];
}

const W = 460;
const H = 300;
const M = { left: 58, right: 30, top: 34, bottom: 44 };

function niceMax(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v || 1));
  for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

const label = (n: number): string =>
  n >= 1e6
    ? `${Number((n / 1e6).toPrecision(2))}M`
    : n >= 1e3
      ? `${Number((n / 1e3).toPrecision(2))}k`
      : String(Number(n.toPrecision(3)));

function panel(p: Panel, xOffset: number, xs: readonly number[]): string {
  const x0 = Math.log10(Math.min(...xs));
  const x1 = Math.log10(Math.max(...xs));
  const yMax = niceMax(Math.max(...p.series.flatMap((s) => s.points.map(([, v]) => v))) * 1.1);
  const px = (x: number): number => xOffset + M.left + ((Math.log10(x) - x0) / (x1 - x0 || 1)) * (W - M.left - M.right);
  const py = (y: number): number => M.top + (1 - y / yMax) * (H - M.top - M.bottom);
  const out: string[] = [
    `<text x="${xOffset + M.left}" y="20" font-size="14" font-weight="bold">${p.title}</text>`,
    `<line x1="${xOffset + M.left}" y1="${py(0)}" x2="${xOffset + W - M.right}" y2="${py(0)}" stroke="#333"/>`,
    `<line x1="${xOffset + M.left}" y1="${M.top}" x2="${xOffset + M.left}" y2="${py(0)}" stroke="#333"/>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const y = (yMax * i) / 4;
    out.push(
      `<line x1="${xOffset + M.left}" y1="${py(y)}" x2="${xOffset + W - M.right}" y2="${py(y)}" stroke="#ddd"/>`,
      `<text x="${xOffset + M.left - 6}" y="${py(y) + 4}" font-size="11" text-anchor="end">${label(y)}</text>`,
    );
  }
  for (const x of xs)
    out.push(`<text x="${px(x)}" y="${H - M.bottom + 16}" font-size="11" text-anchor="middle">${label(x)}</text>`);
  out.push(
    `<text x="${xOffset + (W + M.left) / 2}" y="${H - 8}" font-size="11" text-anchor="middle">entries (log scale)</text>`,
    `<text x="${xOffset + 14}" y="${(H + M.top - M.bottom) / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 ${xOffset + 14} ${(H + M.top - M.bottom) / 2})">${p.unit}</text>`,
  );
  for (const s of p.series) {
    const d = s.points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
    out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    for (const [x, y] of s.points)
      out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${s.color}"/>`);
  }
  return out.join('\n');
}

/** Two panels side by side with one legend; `caption` under them. */
export function costChart(panels: readonly [Panel, Panel], caption: string): string {
  const xs = [...new Set(panels[0].series.flatMap((s) => s.points.map(([x]) => x)))].sort((a, b) => a - b);
  const legend = panels[0].series
    .map(
      (s, i) =>
        `<rect x="${M.left + i * 200}" y="${H + 8}" width="14" height="4" fill="${s.color}"/><text x="${M.left + i * 200 + 20}" y="${H + 14}" font-size="12">${s.name}</text>`,
    )
    .join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${H + 48}" viewBox="0 0 ${2 * W} ${H + 48}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    panel(panels[0], 0, xs),
    panel(panels[1], W, xs),
    legend,
    `<text x="${M.left}" y="${H + 38}" font-size="11" fill="#555">${caption}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
