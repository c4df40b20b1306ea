// Historical reports: the same API the CLI and CSV use, drawn as charts (volume; answer rate, service
// level, self-service share; satisfaction shares per site, over the range and per interval) and a table of every column.
import { chartOptions as baseOptions, el, pct } from '/assets/common.js';

/** Every chart spans the whole range asked for, so one busy hour is not stretched over the width. */
const chartOptions = (title, width, series, extra = {}) => {
  const options = baseOptions(title, width, series, extra);
  options.scales = { ...options.scales, x: { time: true, range: () => xRange } };
  return options;
};

const form = document.getElementById('query');
/** The calendar date of an instant in a zone, YYYY-MM-DD. */
const dateIn = (ms, timezone) => new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
form.from.value = form.from.value || dateIn(Date.now() - 6 * 86_400_000, form.timezone.value);
form.to.value = form.to.value || dateIn(Date.now(), form.timezone.value);

const rateColumns = new Set(['service_level', 'sl_answered', 'sl_offered', 'sl_abandons_met', 'answer_rate', 'answer_rate_excl_short', 'queue_answer_rate', 'abandon_rate', 'abandon_rate_excl_short', 'overflow_rate', 'callback_rate', 'callback_reach_rate', 'agent_answer_rate', 'occupancy', 'utilisation', 'containment_rate', 'self_service_query_share', 'satisfied_share', 'neutral_share', 'dissatisfied_share', 'survey_response_rate']);
/** The columns the page shows per report (the CSV has every column). */
const shown = {
  queues: ['site_id', 'queue_id', 'interval_start', 'offered', 'answered', 'abandoned', 'short_abandoned', 'overflowed_out', 'callbacks_scheduled', 'in_queue', 'service_level', 'answer_rate', 'abandon_rate', 'asa_ms', 'aht_ms', 'max_wait_ms', 'surveys_answered', 'satisfied_share', 'neutral_share', 'dissatisfied_share', 'survey_response_rate'],
  agents: ['site_id', 'agent_id', 'interval_start', 'answered', 'handled', 'aht_ms', 'agent_offers', 'agent_answer_rate', 'occupancy', 'utilisation', 'logged_in_ms', 'not_ready_ms', 'surveys_answered', 'satisfied_share', 'dissatisfied_share'],
  'self-service': ['site_id', 'interval_start', 'arrived', 'contained', 'containment_rate', 'ivr_abandoned', 'queries_by_voice', 'queries_by_agent', 'self_service_query_share', 'self_service_orders', 'fax_requests'],
};
shown.sites = shown.queues.filter((c) => c !== 'queue_id');
/** A column's heading: durations are shown in seconds, so say so ("asa (s)", not "asa ms"). */
const heading = (c) => (c.endsWith('_ms') ? `${c.slice(0, -3).replaceAll('_', ' ')} (s)` : c.replaceAll('_', ' '));
const format = (k, v) => (v === null || v === undefined ? '—' : rateColumns.has(k) ? pct(v) : k.endsWith('_ms') ? `${(v / 1000).toFixed(1)} s` : v);

/** The UTC instant of local midnight of a date in a zone (the API takes instants). */
function localMidnight(date, timezone) {
  const guess = new Date(`${date}T00:00:00Z`);
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(guess).map((p) => [p.type, p.value]));
  const shown = Date.parse(`${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:00Z`);
  return new Date(guess.getTime() - (shown - guess.getTime()));
}

/** The report's API URL for the form's question; `overrides` replace its parameters (e.g. the whole range at once). */
function url(fmt, overrides = {}) {
  const f = new FormData(form);
  const tz = f.get('timezone');
  const to = new Date(localMidnight(f.get('to'), tz).getTime() + 86_400_000);
  xRange = [Date.parse(`${f.get('from')}T00:00:00Z`) / 1000, Date.parse(`${f.get('to')}T00:00:00Z`) / 1000 + 86_400];
  const report = f.get('report');
  const path = report === 'sites' ? 'queues' : report;
  const q = new URLSearchParams({ from: localMidnight(f.get('from'), tz).toISOString(), to: to.toISOString(), timezone: tz, interval: f.get('interval'), format: fmt });
  if (report === 'sites') q.set('groupBy', 'site');
  if (f.get('siteId')) q.append('siteId', f.get('siteId'));
  for (const [k, v] of Object.entries(overrides)) q.set(k, v);
  return `/reports/${path}?${q}`;
}

let charts = [];
let xRange;
function draw(rows, report) {
  for (const c of charts) c.destroy();
  charts = [];
  const buckets = [...new Set(rows.map((r) => r.interval_start))].sort();
  const t = buckets.map((b) => Date.parse(`${b.replace(' ', 'T')}Z`) / 1000);
  const sum = (b, k) => rows.filter((r) => r.interval_start === b).reduce((n, r) => n + (r[k] ?? 0), 0);
  const ratio = (b, num, den) => { const d = den(b); return d > 0 ? (100 * num(b)) / d : null; };
  const vol = document.getElementById('chart-volume');
  const rates = document.getElementById('chart-rates');
  vol.replaceChildren(); rates.replaceChildren();
  if (buckets.length === 0) return;
  if (report === 'self-service') {
    charts.push(new uPlot(chartOptions('Calls arriving and served by the IVR', vol.clientWidth, [{ label: 'arrived', stroke: '#58a6ff', width: 2 }, { label: 'contained', stroke: '#3fb950', width: 2 }]), [t, buckets.map((b) => sum(b, 'arrived')), buckets.map((b) => sum(b, 'contained'))], vol));
    charts.push(new uPlot(chartOptions('Self-service share %', rates.clientWidth, [{ label: 'containment %', stroke: '#3fb950', width: 2 }, { label: 'queries by voice %', stroke: '#a371f7', width: 2 }], { scales: { y: { range: [0, 100] } } }), [t, buckets.map((b) => ratio(b, (x) => sum(x, 'contained'), (x) => sum(x, 'ivr_calls'))), buckets.map((b) => ratio(b, (x) => sum(x, 'queries_by_voice'), (x) => sum(x, 'queries_by_voice') + sum(x, 'queries_by_agent')))], rates));
    return;
  }
  if (report === 'agents') {
    charts.push(new uPlot(chartOptions('Calls handled', vol.clientWidth, [{ label: 'handled', stroke: '#3fb950', width: 2 }, { label: 'offers rung', stroke: '#58a6ff', width: 2 }]), [t, buckets.map((b) => sum(b, 'handled')), buckets.map((b) => sum(b, 'agent_offers'))], vol));
    charts.push(new uPlot(chartOptions('Occupancy %', rates.clientWidth, [{ label: 'occupancy %', stroke: '#d29922', width: 2 }], { scales: { y: { range: [0, 100] } } }), [t, buckets.map((b) => ratio(b, (x) => sum(x, 'on_call_ms') + sum(x, 'wrap_up_ms'), (x) => sum(x, 'ready_ms') + sum(x, 'reserved_ms') + sum(x, 'on_call_ms') + sum(x, 'wrap_up_ms')))], rates));
    return;
  }
  charts.push(new uPlot(chartOptions('Offered, answered, abandoned', vol.clientWidth, [{ label: 'offered', stroke: '#58a6ff', width: 2 }, { label: 'answered', stroke: '#3fb950', width: 2 }, { label: 'abandoned', stroke: '#f85149', width: 2 }]), [t, ...['offered', 'answered', 'abandoned'].map((k) => buckets.map((b) => sum(b, k)))], vol));
  charts.push(new uPlot(chartOptions('Answer rate and service level %', rates.clientWidth, [{ label: 'answer rate %', stroke: '#58a6ff', width: 2 }, { label: 'service level %', stroke: '#3fb950', width: 2 }], { scales: { y: { range: [0, 100] } } }), [
    t,
    buckets.map((b) => ratio(b, (x) => sum(x, 'connected_calls'), (x) => sum(x, 'offered_calls'))),
    buckets.map((b) => ratio(b, (x) => sum(x, 'answered_within_sl'), (x) => sum(x, 'answered') + sum(x, 'abandoned') - sum(x, 'short_abandoned') + sum(x, 'system_exits'))),
  ], rates));
}

const satisfactionPanel = document.getElementById('satisfaction');
const shareParts = [['satisfied', 'satisfied_share'], ['neutral', 'neutral_share'], ['dissatisfied', 'dissatisfied_share']];
const intervalName = { '15m': '15 minutes', hour: 'hour', day: 'day', month: 'month' };

/** The start of the interval after `t` (seconds of wall-clock time "as if UTC", as the charts' x). */
function nextStart(t, interval) {
  if (interval === 'month') {
    const d = new Date(t * 1000);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / 1000;
  }
  return t + { '15m': 900, hour: 3600, day: 86_400 }[interval];
}

/** Draw a point only where the line cannot show the value: one interval between two gaps. */
const isolatedPoints = (u, seriesIdx, show) => {
  if (show) return null;
  const ys = u.data[seriesIdx];
  const idxs = ys.flatMap((v, i) => (v != null && ys[i - 1] == null && ys[i + 1] == null ? [i] : []));
  return idxs.length > 0 ? idxs : null;
};

let trendCharts = [];
/**
 * Per site, the shares of every interval from its first to its last with calls — the API's shares, as
 * for the bar; an interval with no answered survey (or no call at all) is a gap in the lines, not 0 %.
 * Each chart's uPlot is the `chart` property of its element (the browser test reads what is drawn).
 */
function drawSatisfactionTrend(rows, interval) {
  for (const c of trendCharts) c.destroy();
  trendCharts = [];
  const root = document.getElementById('satisfaction-trend');
  root.replaceChildren();
  document.getElementById('satisfaction-trend-part').hidden = interval === 'all' || rows.length === 0;
  if (interval === 'all') return;
  document.getElementById('satisfaction-trend-title').textContent = `Post-call satisfaction per ${intervalName[interval]}`;
  const x = (r) => Date.parse(`${r.interval_start.replace(' ', 'T')}Z`) / 1000;
  const sites = [...new Set(rows.map((r) => r.site_id))];
  const targets = sites.map((site) => root.appendChild(el('div', { class: 'trend', 'data-trend': site })));
  sites.forEach((site, i) => {
    const byStart = new Map(rows.filter((r) => r.site_id === site).map((r) => [x(r), r]));
    const starts = [...byStart.keys()].sort((a, b) => a - b);
    const t = [];
    for (let s = starts[0]; s <= starts.at(-1); s = nextStart(s, interval)) t.push(s);
    const share = (k) => t.map((s) => (byStart.get(s)?.[k] == null ? null : byStart.get(s)[k] * 100));
    const percent = (u, v) => (v == null ? '—' : `${v.toFixed(1)} %`);
    const width = targets[i].clientWidth;
    // Bars as wide as 60 % of an interval, also when a site has one interval only (no neighbour to measure by).
    const slot = ((width - 110) * (nextStart(t[0], interval) - t[0])) / (xRange[1] - xRange[0]);
    const options = chartOptions(site, width, [
      { label: 'surveys answered', scale: 'n', stroke: '#58a6ff', fill: 'rgba(88, 166, 255, 0.3)', paths: uPlot.paths.bars({ size: [0.6, Math.max(1, Math.min(40, 0.6 * slot))] }), points: { show: false } },
      ...shareParts.map(([name], j) => ({ label: name, stroke: ['#3fb950', '#8b9bab', '#f85149'][j], width: 2, value: percent, points: { filter: isolatedPoints } })),
    ], {
      scales: { y: { range: [0, 100] }, n: { range: (u, min, max) => [0, Math.max(4, max)] } },
      axes: [
        { stroke: '#8b9bab', grid: { stroke: '#263443' } },
        { stroke: '#8b9bab', grid: { stroke: '#263443' }, values: (u, vals) => vals.map((v) => `${v} %`), size: 56 },
        { scale: 'n', side: 1, stroke: '#8b9bab', grid: { show: false }, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000] },
      ],
    });
    const chart = new uPlot(options, [t, t.map((s) => byStart.get(s)?.surveys_answered ?? 0), ...shareParts.map(([, k]) => share(k))], targets[i]);
    targets[i].chart = chart;
    trendCharts.push(chart);
  });
}

let asked = 0;
/**
 * One stacked bar per site over the whole range, and each site's shares per interval: the shares as the
 * API computes them (never recomputed here).
 */
async function drawSatisfaction(report) {
  const question = ++asked;
  satisfactionPanel.hidden = report !== 'queues' && report !== 'sites';
  if (satisfactionPanel.hidden) return;
  const interval = new FormData(form).get('interval');
  const [rows, perInterval] = await Promise.all([url('json', { interval: 'all', groupBy: 'site' }), url('json', { groupBy: 'site' })].map(async (u) => {
    const response = await fetch(u);
    return response.ok ? (await response.json()).rows : undefined;
  }));
  // A later question was asked meanwhile: its answer is the one to show.
  if (rows === undefined || perInterval === undefined || question !== asked) return;
  document.getElementById('satisfaction-sites').replaceChildren(
    ...(rows.length === 0 ? [el('p', { class: 'muted' }, 'no calls in this range')] : []),
    ...rows.map((r) => {
      const answered = r.surveys_answered > 0;
      const bar = el('div', { class: 'shares' }, ...(answered ? shareParts.map(([name, k]) => el('span', { class: `share-${name}`, title: `${name} ${pct(r[k])}`, style: `width:${(r[k] * 100).toFixed(2)}%` })) : []));
      const line = answered
        ? `${shareParts.map(([name, k]) => `${pct(r[k])} ${name}`).join(' · ')} — ${r.surveys_answered} answered of ${r.surveys_offered} offered (${pct(r.survey_response_rate)})`
        : r.surveys_offered > 0 ? `${r.surveys_offered} offered, none answered yet` : 'no survey offered';
      return el('div', { class: 'share-row', 'data-site': r.site_id }, el('span', { class: 'text' }, r.site_id), bar, el('span', { class: 'figures-line' }, line));
    }),
  );
  drawSatisfactionTrend(perInterval, interval);
}

async function show(event) {
  event?.preventDefault();
  const status = document.getElementById('status');
  status.textContent = 'loading…'; status.className = 'muted';
  document.getElementById('csv').href = url('csv');
  const response = await fetch(url('json'));
  const body = await response.json();
  if (!response.ok) { status.textContent = body.detail ?? response.statusText; status.className = 'error'; return; }
  const rows = body.rows;
  status.textContent = `${rows.length} rows`;
  const columns = shown[new FormData(form).get('report')];
  document.querySelector('#rows thead').replaceChildren(el('tr', {}, ...columns.map((c) => el('th', { class: ['site_id', 'queue_id', 'agent_id', 'interval_start'].includes(c) ? 'text' : '' }, heading(c)))));
  document.querySelector('#rows tbody').replaceChildren(...rows.map((r) => el('tr', {}, ...columns.map((c) => el('td', { class: ['site_id', 'queue_id', 'agent_id', 'interval_start'].includes(c) ? 'text' : '', 'data-column': c }, format(c, r[c]))))));
  draw(rows, new FormData(form).get('report'));
  await drawSatisfaction(new FormData(form).get('report'));
}

form.addEventListener('submit', show);
show();
