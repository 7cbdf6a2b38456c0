// A small line chart on a canvas, in the theme's colours (VS Code's --vscode-charts-* variables): a few
// hundred points per series redrawn once a second needs nothing bigger. Each chart is a figure with a
// text legend (latest values) and an aria-label, so the numbers are there for screen readers too.

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
  /** What the legend shows per series: the latest value (while live) or the mean over the run. */
  legend: 'latest' | 'mean';
}

const HEIGHT = 150;
const MARGIN = { left: 52, right: 10, top: 8, bottom: 20 };

function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= max) return step * magnitude;
  return 10 * magnitude;
}

function meanValue(values: ReadonlyArray<number | null>): number | null {
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    sum += v;
    n++;
  }
  return n > 0 ? sum / n : null;
}

function lastValue(values: ReadonlyArray<number | null>): number | null {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null && values[i] !== undefined) return values[i]!;
  return null;
}

export class Chart {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly legend: HTMLElement;
  private spec: ChartSpec | undefined;

  constructor(id: string) {
    this.element = document.createElement('figure');
    this.element.className = 'chart';
    this.element.id = `chart-${id}`;
    const caption = document.createElement('figcaption');
    this.canvas = document.createElement('canvas');
    this.canvas.setAttribute('role', 'img');
    this.canvas.height = HEIGHT;
    this.legend = document.createElement('ul');
    this.legend.className = 'legend';
    this.element.append(caption, this.canvas, this.legend);
    new ResizeObserver(() => this.draw()).observe(this.canvas);
  }

  update(spec: ChartSpec): void {
    this.spec = spec;
    this.element.querySelector('figcaption')!.textContent = spec.title;
    this.legend.replaceChildren(
      ...spec.series.map((s) => {
        const item = document.createElement('li');
        const swatch = document.createElement('span');
        swatch.className = s.dashed ? 'swatch dashed' : 'swatch';
        swatch.style.borderColor = cssVar(s.color, '#888');
        const shown = spec.legend === 'mean' ? meanValue(s.values) : lastValue(s.values);
        const label = spec.legend === 'mean' ? `${s.name}, mean` : s.name;
        item.append(swatch, document.createTextNode(`${label}: ${shown === null ? '–' : spec.format(shown)}`));
        return item;
      }),
    );
    const described = spec.series.map((s) => {
      const shown = spec.legend === 'mean' ? meanValue(s.values) : lastValue(s.values);
      return `${s.name} ${shown === null ? 'no data' : spec.format(shown)}`;
    });
    this.canvas.setAttribute('aria-label', `${spec.title}, ${spec.legend === 'mean' ? 'mean over the run' : 'latest'}: ${described.join(', ')}`);
    this.draw();
  }

  private draw(): void {
    const spec = this.spec;
    if (!spec) return;
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(200, this.canvas.clientWidth);
    if (this.canvas.width !== Math.round(width * ratio)) this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(HEIGHT * ratio);
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, HEIGHT);

    const xs = [...spec.t, ...spec.series.flatMap((s) => (s.t ? [...s.t] : []))];
    const xMin = 0;
    const xMax = Math.max(1, ...xs);
    let yMax = 0;
    for (const s of spec.series) for (const v of s.values) if (v !== null && v > yMax) yMax = v;
    yMax = niceMax(yMax * 1.05);
    const plotW = width - MARGIN.left - MARGIN.right;
    const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
    const x = (t: number): number => MARGIN.left + ((t - xMin) / (xMax - xMin)) * plotW;
    const y = (v: number): number => MARGIN.top + plotH - (v / yMax) * plotH;

    const muted = cssVar('--vscode-descriptionForeground', '#888');
    const grid = cssVar('--vscode-charts-lines', 'rgba(128,128,128,0.3)');
    ctx.font = `11px ${cssVar('--vscode-font-family', 'sans-serif')}`;
    ctx.lineWidth = 1;
    ctx.strokeStyle = grid;
    ctx.fillStyle = muted;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (let i = 0; i <= 4; i++) {
      const v = (yMax * i) / 4;
      const py = Math.round(y(v)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(MARGIN.left, py);
      ctx.lineTo(width - MARGIN.right, py);
      ctx.stroke();
      ctx.fillText(spec.format(v), MARGIN.left - 6, py);
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    // Whole seconds: the aggregates come once a second.
    const step = Math.max(1, niceMax(xMax / 6));
    for (let i = 0; i * step <= xMax; i++) ctx.fillText(`${+(i * step).toFixed(3)}s`, x(i * step), HEIGHT - MARGIN.bottom + 4);

    for (const s of spec.series) {
      const ts = s.t ?? spec.t;
      ctx.strokeStyle = cssVar(s.color, '#888');
      ctx.lineWidth = 1.5;
      ctx.setLineDash(s.dashed ? [5, 4] : []);
      ctx.beginPath();
      let drawing = false;
      for (let i = 0; i < s.values.length && i < ts.length; i++) {
        const v = s.values[i];
        if (v === null || v === undefined) {
          drawing = false;
          continue;
        }
        if (drawing) ctx.lineTo(x(ts[i]!), y(v));
        else ctx.moveTo(x(ts[i]!), y(v));
        drawing = true;
      }
      // A single point still shows.
      if (s.values.length === 1 && s.values[0] !== null) ctx.arc(x(ts[0]!), y(s.values[0]!), 1.5, 0, 2 * Math.PI);
      ctx.stroke();
    }
    ctx.setLineDash([]);
  }
}
