/**
 * uPlot line charts sized to their container. Colours are the Okabe–Ito palette, safe for the
 * common colour blindnesses, and every series also differs by its dash and is named in the
 * legend, so no reading depends on colour alone.
 */
import uPlot from 'uplot';

export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00'];
export const DASHES: number[][] = [[], [10, 5], [2, 4], [12, 4, 2, 4]];

export interface LineSeries {
  label: string;
  values: (number | null)[];
  /** Index into PALETTE / DASHES; the target line passes `target: true` instead. */
  style: number;
  target?: boolean;
  format: (v: number) => string;
}

export interface LineChartSpec {
  /** Unix seconds. */
  x: number[];
  series: LineSeries[];
  zone: string;
  height: number;
  yRange?: [number, number];
  yLabel: (v: number) => string;
  /** A click on the plot: the index of the nearest x, and the focused series (or null). */
  onPick?: (index: number, series: number | null) => void;
}

export function lineChart(container: HTMLElement, spec: LineChartSpec): uPlot {
  let focused: number | null = null;
  const opts: uPlot.Options = {
    width: Math.max(240, container.clientWidth),
    height: spec.height,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), spec.zone),
    cursor: { focus: { prox: 24 }, drag: { x: false, y: false } },
    focus: { alpha: 0.4 },
    scales: spec.yRange ? { y: { range: spec.yRange } } : {},
    axes: [
      { stroke: '#333', grid: { stroke: '#e4e4e4' } },
      {
        stroke: '#333',
        grid: { stroke: '#e4e4e4' },
        size: 56,
        values: (_u, ticks) => ticks.map((v) => spec.yLabel(v)),
      },
    ],
    series: [
      {},
      ...spec.series.map((s) => ({
        label: s.label,
        stroke: s.target ? '#000000' : PALETTE[s.style % PALETTE.length],
        width: s.target ? 1.5 : 2,
        dash: s.target ? [4, 4] : DASHES[s.style % DASHES.length],
        spanGaps: false,
        points: { show: !s.target && spec.x.length <= 30, size: 7 },
        value: (_u: uPlot, v: number | null) => (v === null ? '—' : s.format(v)),
      })),
    ],
    hooks: {
      setSeries: [(_u, index) => (focused = index)],
    },
  };
  const data = [spec.x, ...spec.series.map((s) => s.values)] as uPlot.AlignedData;
  const chart = new uPlot(opts, data, container);
  if (spec.onPick) {
    const pick = spec.onPick;
    chart.over.addEventListener('click', () => {
      const index = chart.cursor.idx;
      if (index === null || index === undefined) return;
      const series = focused !== null && focused > 0 && !spec.series[focused - 1]?.target;
      pick(index, series ? focused! - 1 : null);
    });
    chart.over.style.cursor = 'pointer';
  }
  const resize = new ResizeObserver(() => {
    const width = Math.max(240, container.clientWidth);
    if (width !== chart.width) chart.setSize({ width, height: spec.height });
  });
  resize.observe(container);
  const destroy = chart.destroy.bind(chart);
  chart.destroy = () => {
    resize.disconnect();
    destroy();
  };
  return chart;
}
