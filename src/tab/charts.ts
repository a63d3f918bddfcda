// The board's charts, drawn by Chart.js from /api/board/charts (aggregates the database computed):
// open escalations by tier and severity, time to acknowledge and to resolve per tier by week
// (median and p90), SLA breaches per week, the age of what is open, and the biggest patterns.
// Each chart has a text alternative; colours follow the Teams theme.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  type ChartType,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import {
  type Severity,
  severities,
  severityLabels,
  severityTraits,
  type Target,
  targetLabels,
  targets,
} from '../domain/vocabulary';
import { ApiError, type BoardApi, type Charts } from './api';
import { slaColors } from './badges';
import { h, replaceChildren, span } from './dom';
import { onTheme, token } from './theme';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Legend,
  Tooltip,
);

/** The charts on the page, destroyed before they are drawn again (a new theme, new numbers). */
const drawn: { destroy(): void }[] = [];
let redraw: (() => void) | undefined;
onTheme(() => redraw?.());

/** A theme token, or the Teams light theme's value where the theme has none. */
type Paint = [token: string, light: string];

const blue: Paint = ['colorPaletteBlueForeground2', '#0f6cbd'];

/** One line colour per tier, given in the tiers' order. */
const tierPaints: Paint[] = [
  blue,
  ['colorPaletteDarkOrangeForeground2', '#c2410c'],
  ['colorPaletteGreenForeground2', '#107c10'],
  ['colorPaletteRedForeground2', '#c50f1f'],
  ['colorPaletteBerryForeground2', '#8a3fb3'],
];

/** A badge's colour (a severity's, domain/vocabulary.ts severityTraits; an SLA state's) filling a bar. */
const badgePaints: Record<string, Paint> = {
  danger: ['colorPaletteRedBackground3', '#d13438'],
  severe: ['colorPaletteDarkOrangeBackground3', '#da3b01'],
  informative: ['colorPaletteBlueBorderActive', '#0f6cbd'],
};

const paint = ([name, light]: Paint) => token(name) || light;

interface Colours {
  tiers: Record<Target, string>;
  severities: Record<Severity, string>;
  /** As a breached SLA's badge. */
  breached: string;
  open: string;
}

const each = <K extends string>(keys: readonly K[], colour: (key: K, index: number) => string) =>
  Object.fromEntries(keys.map((key, index) => [key, colour(key, index)])) as Record<K, string>;

function colours(): Colours {
  const fill = (badge: string) => paint(badgePaints[badge] ?? blue);
  return {
    tiers: each(targets, (_, i) => paint(tierPaints[i % tierPaints.length] ?? blue)),
    severities: each(severities, (s) => fill(severityTraits[s].badge)),
    breached: fill(slaColors.breached),
    open: paint(blue),
  };
}

/** A chart in its figure: a title, the canvas and its text alternative; drawn once on the page. */
interface Figure {
  element: HTMLElement;
  draw: () => { destroy(): void };
}

function figure<T extends ChartType>(
  id: string,
  title: string,
  summary: string,
  config: ChartConfiguration<T>,
): Figure {
  const canvas = h('canvas', { id, role: 'img', 'aria-label': `${title}: ${summary}` });
  const element = h(
    'figure',
    { class: 'chart' },
    h('figcaption', {}, title),
    h('div', { class: 'chart-box' }, canvas),
    h('p', { class: 'visually-hidden' }, summary),
  );
  return { element, draw: () => new Chart(canvas, config) };
}

export async function renderCharts(root: HTMLElement, api: BoardApi, target: string): Promise<void> {
  replaceChildren(root, h('p', { class: 'loading' }, 'Drawing the charts…'));
  const query = new URLSearchParams({ weeks: '12', ...(target ? { target } : {}) });
  let charts: Charts;
  try {
    charts = await api.charts(query);
  } catch (error) {
    replaceChildren(
      root,
      h('p', { role: 'alert' }, error instanceof ApiError ? error.message : 'The charts could not be loaded.'),
    );
    return;
  }
  redraw = () => draw(root, charts);
  draw(root, charts);
}

function draw(root: HTMLElement, charts: Charts): void {
  for (const chart of drawn.splice(0)) chart.destroy();
  Chart.defaults.color = paint(['colorNeutralForeground2', '#424242']);
  Chart.defaults.borderColor = paint(['colorNeutralStroke2', '#e0e0e0']);
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.maintainAspectRatio = false;

  const paints = colours();
  const weeks = [...new Set([...charts.timeToAct, ...charts.breachesPerWeek].map((row) => row.week))].sort();
  const figures = [
    openByTier(charts, paints),
    timeTo('acknowledge', charts, weeks, paints),
    timeTo('resolve', charts, weeks, paints),
    breaches(charts, weeks, paints),
    ages(charts, paints),
  ];
  const openTotal = charts.openByTierAndSeverity.reduce((sum, row) => sum + row.count, 0);
  replaceChildren(
    root,
    h(
      'p',
      { class: 'muted' },
      `${openTotal} open now; acknowledgement, resolution and breaches over the last 12 weeks.`,
    ),
    h('div', { class: 'chart-grid' }, ...figures.map((f) => f.element), patterns(charts)),
  );
  drawn.push(...figures.map((f) => f.draw()));
  root.dataset.drawn = String(drawn.length);
}

/** Whole numbers counted from zero; one series, so no legend. */
const counted = {
  scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
  plugins: { legend: { display: false } },
};

function openByTier(charts: Charts, paints: Colours): Figure {
  const rows = charts.openByTierAndSeverity;
  const tiers = targets.filter((t) => rows.some((row) => row.target === t));
  const count = (t: Target, severity?: Severity) =>
    rows.filter((r) => r.target === t && (!severity || r.severity === severity)).reduce((s, r) => s + r.count, 0);
  return figure(
    'chart-open',
    'Open by tier and severity',
    tiers.map((t) => `${targetLabels[t]} ${count(t)}`).join(', ') || 'nothing open',
    {
      type: 'bar',
      data: {
        labels: tiers.map((t) => targetLabels[t]),
        datasets: severities.map((severity) => ({
          label: severityLabels[severity],
          backgroundColor: paints.severities[severity],
          data: tiers.map((t) => count(t, severity)),
        })),
      },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
    },
  );
}

/** Time to acknowledge or to resolve: each tier's median (solid) and p90 (dashed), by week raised. */
function timeTo(which: 'acknowledge' | 'resolve', charts: Charts, weeks: string[], paints: Colours): Figure {
  const tiers = targets.filter((t) => charts.timeToAct.some((row) => row.target === t));
  const minutes = (t: Target, week: string, measure: 'Median' | 'P90') =>
    charts.timeToAct.find((r) => r.target === t && r.week === week)?.[`${which}${measure}`] ?? null;
  return figure(`chart-${which}`, `Time to ${which}, by week raised (median and p90)`, timesSummary(charts, which), {
    type: 'line',
    data: {
      labels: weeks,
      datasets: tiers.flatMap((t) =>
        (['Median', 'P90'] as const).map((measure) => ({
          label: `${targetLabels[t]} ${measure.toLowerCase()}`,
          borderColor: paints.tiers[t],
          backgroundColor: paints.tiers[t],
          borderDash: measure === 'P90' ? [6, 4] : [],
          spanGaps: true,
          data: weeks.map((week) => minutes(t, week, measure)),
        })),
      ),
    },
    options: {
      scales: { y: { beginAtZero: true, title: { display: true, text: 'minutes' } } },
      plugins: { tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${span(item.parsed.y)}` } } },
    },
  });
}

function timesSummary(charts: Charts, which: 'acknowledge' | 'resolve'): string {
  const latest = charts.timeToAct.filter((r) => r[`${which}Median`] !== null).at(-1);
  if (!latest) return 'none yet in these weeks';
  return `latest week ${latest.week}, ${targetLabels[latest.target]}: median ${span(latest[`${which}Median`])}, p90 ${span(latest[`${which}P90`])}`;
}

function breaches(charts: Charts, weeks: string[], paints: Colours): Figure {
  const breached = (week: string) => charts.breachesPerWeek.find((r) => r.week === week)?.count ?? 0;
  const total = charts.breachesPerWeek.reduce((s, r) => s + r.count, 0);
  return figure('chart-breaches', 'SLA breaches per week', `${total} breached in ${weeks.length} weeks`, {
    type: 'bar',
    data: {
      labels: weeks,
      datasets: [{ label: 'Breached', backgroundColor: paints.breached, data: weeks.map(breached) }],
    },
    options: counted,
  });
}

function ages(charts: Charts, paints: Colours): Figure {
  const buckets = charts.ageOfOpen;
  return figure('chart-ages', 'Age of open escalations', buckets.map((r) => `${r.bucket}: ${r.count}`).join(', '), {
    type: 'bar',
    data: {
      labels: buckets.map((r) => r.bucket),
      datasets: [{ label: 'Open', backgroundColor: paints.open, data: buckets.map((r) => r.count) }],
    },
    options: counted,
  });
}

/** The escalations linked to the most others as the same issue: a list, not a chart. */
function patterns(charts: Charts): HTMLElement {
  const linked = charts.patterns.map((p) =>
    h('li', {}, h('strong', {}, p.id), ` ${p.summary} `, h('span', { class: 'muted' }, `+${p.linked} linked`)),
  );
  return h(
    'figure',
    { class: 'chart patterns' },
    h('figcaption', {}, 'Biggest patterns (linked as the same issue)'),
    linked.length > 0 ? h('ol', {}, ...linked) : h('p', { class: 'muted' }, 'No escalation is linked to another yet.'),
  );
}
