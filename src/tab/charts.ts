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
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { severities, severityLabels, type Target, targetLabels, targets } from '../domain/vocabulary';
import { ApiError, type BoardApi, type Charts } from './api';
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

const drawn: Chart[] = [];
let redraw: (() => void) | undefined;
onTheme(() => redraw?.());

/** One colour per tier and per severity, from the theme's palette tokens. */
function palette(): { tiers: Record<Target, string>; severities: Record<string, string>; text: string; grid: string } {
  return {
    tiers: {
      support: token('colorPaletteBlueForeground2') || '#0f6cbd',
      engineering: token('colorPaletteDarkOrangeForeground2') || '#c2410c',
      product: token('colorPaletteGreenForeground2') || '#107c10',
      security: token('colorPaletteRedForeground2') || '#c50f1f',
      leadership: token('colorPaletteBerryForeground2') || '#8a3fb3',
    },
    severities: {
      critical: token('colorPaletteRedBackground3') || '#d13438',
      high: token('colorPaletteDarkOrangeBackground3') || '#da3b01',
      medium: token('colorPaletteBlueBorderActive') || '#0f6cbd',
    },
    text: token('colorNeutralForeground2') || '#424242',
    grid: token('colorNeutralStroke2') || '#e0e0e0',
  };
}

function figure(id: string, title: string, summary: string): { element: HTMLElement; canvas: HTMLCanvasElement } {
  const canvas = h('canvas', { id, role: 'img', 'aria-label': `${title}: ${summary}` });
  const element = h(
    'figure',
    { class: 'chart' },
    h('figcaption', {}, title),
    h('div', { class: 'chart-box' }, canvas),
    h('p', { class: 'visually-hidden' }, summary),
  );
  return { element, canvas };
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
  const colours = palette();
  Chart.defaults.color = colours.text;
  Chart.defaults.borderColor = colours.grid;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.maintainAspectRatio = false;

  const weeks = [
    ...new Set(charts.timeToAct.map((row) => row.week).concat(charts.breachesPerWeek.map((row) => row.week))),
  ].sort();
  const tiersWithData = targets.filter((t) => charts.timeToAct.some((row) => row.target === t));
  const openTiers = targets.filter((t) => charts.openByTierAndSeverity.some((row) => row.target === t));
  const openTotal = charts.openByTierAndSeverity.reduce((sum, row) => sum + row.count, 0);

  const open = figure(
    'chart-open',
    'Open by tier and severity',
    openTiers
      .map(
        (t) =>
          `${targetLabels[t]} ${charts.openByTierAndSeverity.filter((r) => r.target === t).reduce((s, r) => s + r.count, 0)}`,
      )
      .join(', ') || 'nothing open',
  );
  const acknowledge = figure(
    'chart-acknowledge',
    'Time to acknowledge, by week raised (median and p90)',
    timesSummary(charts, 'acknowledge'),
  );
  const resolve = figure(
    'chart-resolve',
    'Time to resolve, by week raised (median and p90)',
    timesSummary(charts, 'resolve'),
  );
  const breaches = figure(
    'chart-breaches',
    'SLA breaches per week',
    `${charts.breachesPerWeek.reduce((s, r) => s + r.count, 0)} breached in ${weeks.length} weeks`,
  );
  const ages = figure(
    'chart-ages',
    'Age of open escalations',
    charts.ageOfOpen.map((r) => `${r.bucket}: ${r.count}`).join(', '),
  );
  const patterns = h(
    'figure',
    { class: 'chart patterns' },
    h('figcaption', {}, 'Biggest patterns (linked as the same issue)'),
    charts.patterns.length > 0
      ? h(
          'ol',
          {},
          ...charts.patterns.map((p) =>
            h('li', {}, h('strong', {}, p.id), ` ${p.summary} `, h('span', { class: 'muted' }, `+${p.linked} linked`)),
          ),
        )
      : h('p', { class: 'muted' }, 'No escalation is linked to another yet.'),
  );
  replaceChildren(
    root,
    h(
      'p',
      { class: 'muted' },
      `${openTotal} open now; acknowledgement, resolution and breaches over the last 12 weeks.`,
    ),
    h(
      'div',
      { class: 'chart-grid' },
      open.element,
      acknowledge.element,
      resolve.element,
      breaches.element,
      ages.element,
      patterns,
    ),
  );

  const bar = (canvas: HTMLCanvasElement, config: ChartConfiguration<'bar'>) => drawn.push(new Chart(canvas, config));
  bar(open.canvas, {
    type: 'bar',
    data: {
      labels: openTiers.map((t) => targetLabels[t]),
      datasets: severities.map((severity) => ({
        label: severityLabels[severity],
        backgroundColor: colours.severities[severity],
        data: openTiers.map(
          (t) => charts.openByTierAndSeverity.find((r) => r.target === t && r.severity === severity)?.count ?? 0,
        ),
      })),
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
  });
  for (const [chart, which] of [
    [acknowledge, 'acknowledge'],
    [resolve, 'resolve'],
  ] as const) {
    drawn.push(
      new Chart(chart.canvas, {
        type: 'line',
        data: {
          labels: weeks,
          datasets: tiersWithData.flatMap((t) =>
            (['Median', 'P90'] as const).map((measure) => ({
              label: `${targetLabels[t]} ${measure.toLowerCase()}`,
              borderColor: colours.tiers[t],
              backgroundColor: colours.tiers[t],
              borderDash: measure === 'P90' ? [6, 4] : [],
              spanGaps: true,
              data: weeks.map((week) => {
                const row = charts.timeToAct.find((r) => r.target === t && r.week === week);
                return (measure === 'Median' ? row?.[`${which}Median`] : row?.[`${which}P90`]) ?? null;
              }),
            })),
          ),
        },
        options: {
          scales: { y: { beginAtZero: true, title: { display: true, text: 'minutes' } } },
          plugins: { tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${span(item.parsed.y)}` } } },
        },
      }),
    );
  }
  bar(breaches.canvas, {
    type: 'bar',
    data: {
      labels: weeks,
      datasets: [
        {
          label: 'Breached',
          backgroundColor: colours.severities.critical,
          data: weeks.map((week) => charts.breachesPerWeek.find((r) => r.week === week)?.count ?? 0),
        },
      ],
    },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { display: false } } },
  });
  bar(ages.canvas, {
    type: 'bar',
    data: {
      labels: charts.ageOfOpen.map((r) => r.bucket),
      datasets: [{ label: 'Open', backgroundColor: colours.tiers.support, data: charts.ageOfOpen.map((r) => r.count) }],
    },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { display: false } } },
  });
  root.dataset.drawn = String(drawn.length);
}

function timesSummary(charts: Charts, which: 'acknowledge' | 'resolve'): string {
  const rows = charts.timeToAct.filter((r) => r[`${which}Median`] !== null);
  if (rows.length === 0) return 'none yet in these weeks';
  const latest = rows[rows.length - 1];
  return latest
    ? `latest week ${latest.week}, ${targetLabels[latest.target]}: median ${span(latest[`${which}Median`])}, p90 ${span(latest[`${which}P90`])}`
    : '';
}
