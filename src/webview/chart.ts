// The panel's time-series charts, drawn by uPlot (canvas, ~50 kB, made for time series: an hour of
// per-second points in seven charts redraws in a few milliseconds). All charts of a ChartGroup share one
// cursor (uPlot's cursor.sync): hovering a second shows every series' value at that second in each chart's
// legend. Dragging selects a range of seconds that the group zooms every chart to (and the panel its
// tables); a double-click, Escape or the "Reset zoom" button shows the whole run again. By keyboard, the
// plot is focusable: arrow keys move the shared cursor a second, Shift+arrows grow a selection, Enter zooms.
// Colours are VS Code's --vscode-charts-* variables; each chart is a figure with a text legend and an
// aria-label, so the numbers are there for screen readers too.
import uPlot from 'uplot';
import { secondsOf, type SecondRange } from './range';

export interface ChartSeries {
  name: string;
  values: ReadonlyArray<number | null>;
  /** A CSS variable, e.g. --vscode-charts-blue. */
  color: string;
  dashed?: boolean;
  /** The x values (seconds) of this series when they differ from the chart's (an overlaid run). */
  t?: readonly number[];
}

export interface ChartSpec {
  title: string;
  t: readonly number[];
  series: ChartSeries[];
  format(value: number): string;
  /** What the legend shows away from the cursor: the latest value (while live) or the mean over the run. */
  legend: 'latest' | 'mean';
}

const HEIGHT = 170;
const SYNC_KEY = 'volley-charts';
/** The x axis ticks whole seconds (the aggregates come once a second), up to one an hour. */
const SECOND_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];

function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

function meanValue(values: ReadonlyArray<number | null | undefined>): number | null {
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    sum += v;
    n++;
  }
  return n > 0 ? sum / n : null;
}

function lastValue(values: ReadonlyArray<number | null | undefined>): number | null {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null && values[i] !== undefined) return values[i]!;
  return null;
}

/** The chart's columns: its x values (the union of its series', sorted) and one y column per series. */
function alignedData(spec: ChartSpec): uPlot.AlignedData {
  if (!spec.series.some((s) => s.t !== undefined && s.t !== spec.t)) return [spec.t as number[], ...spec.series.map((s) => s.values as Array<number | null>)];
  // Overlaid runs have their own seconds: uPlot.join aligns them (a second one run lacks is left out of its line).
  const tables = spec.series.map((s) => [(s.t ?? spec.t) as number[], s.values as Array<number | null>] as uPlot.AlignedData);
  return uPlot.join(tables);
}

/**
 * The charts of one view, their shared cursor and the zoomed range. `onRange` is told when a person zooms or
 * resets, so the panel can show its tables for the range.
 */
export class ChartGroup {
  readonly charts = new Map<string, Chart>();
  range: SecondRange | undefined;
  /** The seconds every chart has (the last view's), to snap a selection to whole seconds. */
  seconds: readonly number[] = [];

  constructor(private readonly onRange: (range: SecondRange | undefined) => void) {}

  chart(id: string): Chart {
    let c = this.charts.get(id);
    if (!c) {
      c = new Chart(id, this);
      this.charts.set(id, c);
    }
    return c;
  }

  /** Zooms every chart to the seconds between `from` and `to` (x values, any order), or resets with undefined. */
  select(from: number | undefined, to?: number): void {
    const range = from === undefined ? undefined : secondsOf(this.seconds, Math.min(from, to ?? from), Math.max(from, to ?? from));
    if (range?.from === this.range?.from && range?.to === this.range?.to) return;
    this.range = range;
    for (const c of this.charts.values()) c.applyRange();
    this.onRange(range);
  }

  /** Drops every chart (a new run, a theme change): the next render makes them again, zoomed as now. */
  clear(): void {
    for (const c of this.charts.values()) c.destroy();
    this.charts.clear();
  }
}

export class Chart {
  readonly element: HTMLElement;
  private readonly caption: HTMLElement;
  private readonly plot: HTMLElement;
  private readonly legend: HTMLElement;
  private spec: ChartSpec | undefined;
  private data: uPlot.AlignedData = [[]];
  private uplot: uPlot | undefined;
  /** The series' shape the uPlot was made for: a new one when it changes (a new error class, say). */
  private shape = '';
  /** Where the keyboard put the cursor (an index into the x values), and the other end of a Shift+arrow selection. */
  private keyIndex: number | undefined;
  private keyAnchor: number | undefined;
  private readonly resizes = new ResizeObserver(() => this.resize());

  constructor(
    id: string,
    private readonly group: ChartGroup,
  ) {
    this.element = document.createElement('figure');
    this.element.className = 'chart';
    this.element.id = `chart-${id}`;
    this.caption = document.createElement('figcaption');
    this.plot = document.createElement('div');
    this.plot.className = 'plot';
    this.plot.tabIndex = 0;
    this.plot.setAttribute('role', 'img');
    this.plot.setAttribute('aria-roledescription', 'chart');
    this.plot.addEventListener('keydown', (e) => this.onKey(e));
    this.legend = document.createElement('ul');
    this.legend.className = 'legend';
    this.element.append(this.caption, this.plot, this.legend);
    this.resizes.observe(this.element);
  }

  update(spec: ChartSpec): void {
    this.spec = spec;
    this.caption.textContent = spec.title;
    this.data = alignedData(spec);
    const shape = spec.series.map((s) => `${s.name}|${s.color}|${s.dashed ? 1 : 0}`).join(';');
    if (!this.uplot || shape !== this.shape) {
      this.uplot?.destroy();
      this.shape = shape;
      this.uplot = this.make(spec);
    } else {
      this.uplot.setData(this.data);
    }
    this.applyRange();
    this.showLegend(this.uplot.cursor.idx ?? undefined);
  }

  destroy(): void {
    this.resizes.disconnect();
    this.uplot?.destroy();
    this.uplot = undefined;
  }

  /** Shows the group's range (or the whole run) on the x axis; uPlot re-ranges y to what is in view. */
  applyRange(): void {
    const u = this.uplot;
    if (!u) return;
    const range = this.group.range;
    const xs = this.data[0];
    if (range) u.setScale('x', range.from === range.to ? { min: range.from - 0.5, max: range.to + 0.5 } : { min: range.from, max: range.to });
    else if (xs.length > 0) u.setScale('x', xs.length === 1 ? { min: xs[0]! - 0.5, max: xs[0]! + 0.5 } : { min: xs[0]!, max: xs[xs.length - 1]! });
    this.showLegend(u.cursor.idx ?? undefined);
  }

  private make(spec: ChartSpec): uPlot {
    const muted = cssVar('--vscode-descriptionForeground', '#888');
    const grid = cssVar('--vscode-charts-lines', 'rgba(128,128,128,0.3)');
    const font = `11px ${cssVar('--vscode-font-family', 'sans-serif')}`;
    const axis = { stroke: muted, font, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const options: uPlot.Options = {
      width: this.width(),
      height: HEIGHT,
      legend: { show: false },
      scales: { x: { time: false } },
      axes: [
        { ...axis, incrs: SECOND_STEPS, values: (_u, splits) => splits.map((v) => `${v}s`) },
        { ...axis, size: 56, values: (_u, splits) => splits.map((v) => spec.format(v)) },
      ],
      series: [
        { label: 'seconds' },
        ...spec.series.map((s) => ({
          label: s.name,
          stroke: cssVar(s.color, '#888'),
          width: 1.5,
          ...(s.dashed ? { dash: [5, 4] } : {}),
          points: { show: (u: uPlot) => (u.data[0]?.length ?? 0) < 3 },
        })),
      ],
      cursor: {
        // Only the cursor's moves go to the other charts: a drag zooms through the group, not chart by chart.
        sync: { key: SYNC_KEY, setSeries: false, filters: { pub: (type) => type === 'mousemove' } },
        y: false,
        drag: { x: true, y: false, setScale: false },
        focus: { prox: -1 },
        bind: { dblclick: () => null },
      },
      hooks: {
        setCursor: [(u) => this.showLegend(u.cursor.idx ?? undefined)],
        setSelect: [
          (u) => {
            if (u.select.width <= 0) return;
            const from = u.posToVal(u.select.left, 'x');
            const to = u.posToVal(u.select.left + u.select.width, 'x');
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            this.group.select(from, to);
          },
        ],
      },
    };
    const u = new uPlot(options, this.data, this.plot);
    u.over.addEventListener('dblclick', () => this.group.select(undefined));
    u.root.querySelector('canvas')?.setAttribute('aria-hidden', 'true');
    return u;
  }

  private width(): number {
    return Math.max(200, Math.floor(this.element.clientWidth || 360));
  }

  private resize(): void {
    const u = this.uplot;
    if (u && this.element.isConnected && u.width !== this.width()) u.setSize({ width: this.width(), height: HEIGHT });
  }

  /** The legend: values at the cursor's second, else the latest or the mean over what is in view. */
  private showLegend(index: number | undefined): void {
    const spec = this.spec;
    if (!spec) return;
    const xs = this.data[0];
    const at = index !== undefined && index !== null && index < xs.length ? xs[index] : undefined;
    const range = this.group.range;
    const inView = (column: ReadonlyArray<number | null | undefined>): Array<number | null | undefined> =>
      range ? column.filter((_, i) => xs[i]! >= range.from && xs[i]! <= range.to) : [...column];
    const shown = spec.series.map((_, i) => {
      const column = (this.data[i + 1] ?? []) as ReadonlyArray<number | null | undefined>;
      if (at !== undefined) return column[index!] ?? null;
      return spec.legend === 'mean' ? meanValue(inView(column)) : lastValue(inView(column));
    });
    const when = at !== undefined ? `at ${at} s` : spec.legend === 'mean' ? (range ? `mean, ${range.from}–${range.to} s` : 'mean') : 'latest';
    const items = spec.series.map((s, i) => {
      const item = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.className = s.dashed ? 'swatch dashed' : 'swatch';
      swatch.style.borderColor = cssVar(s.color, '#888');
      const v = shown[i];
      item.append(swatch, document.createTextNode(`${s.name}: ${v === null || v === undefined ? '–' : spec.format(v)}`));
      return item;
    });
    const time = document.createElement('li');
    time.className = 'legend-time';
    time.textContent = when;
    this.legend.replaceChildren(time, ...items);
    const described = spec.series.map((s, i) => `${s.name} ${shown[i] === null || shown[i] === undefined ? 'no data' : spec.format(shown[i]!)}`);
    const scope = at !== undefined ? `at ${at} s` : spec.legend === 'mean' ? (range ? `mean from ${range.from} s to ${range.to} s` : 'mean over the run') : 'latest';
    this.plot.setAttribute('aria-label', `${spec.title}, ${scope}: ${described.join(', ')}. Arrow keys move the cursor, Shift+arrows select seconds, Enter zooms, Escape resets.`);
  }

  private onKey(e: KeyboardEvent): void {
    const u = this.uplot;
    const xs = this.data[0];
    if (!u || xs.length === 0) return;
    const range = this.group.range;
    const first = range ? Math.max(0, xs.findIndex((x) => x >= range.from)) : 0;
    let last = xs.length - 1;
    if (range) while (last > first && xs[last]! > range.to) last--;
    const step = e.key === 'ArrowLeft' ? -1 : e.key === 'ArrowRight' ? 1 : 0;
    if (step !== 0 || e.key === 'Home' || e.key === 'End') {
      const from = this.keyIndex ?? (step < 0 ? last + 1 : first - 1);
      const next = e.key === 'Home' ? first : e.key === 'End' ? last : Math.min(last, Math.max(first, from + step));
      if (e.shiftKey) this.keyAnchor ??= this.keyIndex ?? next;
      else this.keyAnchor = undefined;
      this.keyIndex = next;
      // Published like a mouse move, so every chart's cursor and legend follow.
      (u.setCursor as (opts: { left: number; top: number }, fire?: boolean, pub?: boolean) => void)({ left: u.valToPos(xs[next]!, 'x'), top: u.over.clientHeight / 2 }, true, true);
      if (this.keyAnchor !== undefined) {
        const a = u.valToPos(xs[Math.min(this.keyAnchor, next)]!, 'x');
        const b = u.valToPos(xs[Math.max(this.keyAnchor, next)]!, 'x');
        u.setSelect({ left: a, top: 0, width: Math.max(1, b - a), height: u.over.clientHeight }, false);
      }
    } else if (e.key === 'Enter' && this.keyAnchor !== undefined && this.keyIndex !== undefined) {
      const [a, b] = [xs[this.keyAnchor]!, xs[this.keyIndex]!];
      this.keyAnchor = undefined;
      u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
      this.group.select(a, b);
    } else if (e.key === 'Escape') {
      this.keyAnchor = undefined;
      u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
      this.group.select(undefined);
    } else {
      return;
    }
    e.preventDefault();
  }
}
