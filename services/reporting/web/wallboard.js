// The live wallboard: every push from /wallboard/live redraws the figures; waits and time in state tick
// locally between pushes; two charts: calls waiting over the last minutes, and today by 15 minutes.
import { chartOptions, clock, el, pct, secs, slClass, timeIn, wallSeconds } from '/assets/common.js';

const states = ['ready', 'reserved', 'on_call', 'wrap_up', 'not_ready'];
const stateLabel = { ready: 'ready', reserved: 'ringing', on_call: 'on call', wrap_up: 'wrap-up', not_ready: 'not ready' };
let board;
let serverOffset = 0; // server clock − page clock, so local ticking matches the server's "now"
const history = { t: [], waiting: [], sl: [] };
const HISTORY_POINTS = 900;
const now = () => Date.now() + serverOffset;

function figure(label, value, cls = '', field = '') {
  return el('div', { class: 'figure' }, el('div', { class: `value ${cls}`, 'data-field': field }, value), el('div', { class: 'label' }, label));
}

function drawSites() {
  const root = document.getElementById('sites');
  root.replaceChildren(
    ...board.sites.map((s) => {
      const total = states.reduce((n, k) => n + s.agents[k], 0) || 1;
      const bar = el('div', { class: 'states' }, ...states.map((k) => el('span', { class: `state-${k}`, style: '', title: `${stateLabel[k]}: ${s.agents[k]}` })));
      [...bar.children].forEach((span, i) => (span.style.width = `${(100 * s.agents[states[i]]) / total}%`));
      return el('article', { class: 'card', 'data-site': s.siteId },
        el('h2', {}, s.siteId),
        el('div', { class: 'figures' },
          figure('waiting', s.waiting, s.waiting > 0 ? 'warn' : '', 'waiting'),
          figure('longest wait', s.oldestQueuedAt ? clock((now() - Date.parse(s.oldestQueuedAt)) / 1000) : '—', '', 'longest-wait'),
          figure('service level', pct(s.serviceLevel), slClass(s.serviceLevel), 'service-level'),
          figure('answered', s.answered, '', 'answered'),
          figure('abandoned', s.abandoned, s.abandoned > 0 ? 'warn' : '', 'abandoned'),
          figure('answer rate', pct(s.answerRate), slClass(s.answerRate, 0.9), 'answer-rate'),
          figure('satisfied', pct(s.satisfiedShare), '', 'satisfied-share'),
          figure('dissatisfied', pct(s.dissatisfiedShare), '', 'dissatisfied-share'),
          figure('surveys answered', s.surveysAnswered, '', 'surveys-answered')),
        bar,
        el('div', { class: 'legend muted' }, ...states.map((k) => el('span', {}, el('i', { class: `state-${k}` }), `${stateLabel[k]} ${s.agents[k]}`))));
    }),
  );
}

function drawQueues() {
  document.querySelector('#queues tbody').replaceChildren(
    ...board.queues.map((q) =>
      el('tr', { 'data-queue': `${q.siteId}/${q.queueId}` },
        el('td', {}, `${q.siteId} / ${q.queueId}`),
        el('td', { 'data-field': 'waiting' }, q.waiting),
        el('td', { 'data-field': 'longest-wait', 'data-since': q.oldestQueuedAt ?? '' }, q.oldestQueuedAt ? clock((now() - Date.parse(q.oldestQueuedAt)) / 1000) : '—'),
        el('td', { 'data-field': 'offered' }, q.offered),
        el('td', { 'data-field': 'answered' }, q.answered),
        el('td', { 'data-field': 'abandoned' }, q.abandoned),
        el('td', { 'data-field': 'service-level', class: slClass(q.serviceLevel) }, pct(q.serviceLevel)),
        el('td', { 'data-field': 'answer-rate' }, pct(q.answerRate)),
        el('td', { 'data-field': 'asa' }, secs(q.asaSeconds)))),
  );
}

function drawAgents() {
  document.querySelector('#agents tbody').replaceChildren(
    ...board.agents.map((a) =>
      el('tr', { 'data-agent': a.agentId },
        el('td', {}, a.agentId),
        el('td', { class: 'text' }, a.siteId),
        el('td', { class: 'text' }, el('span', { class: `state-${a.state}`, style: 'display:inline-block;width:.6rem;height:.6rem;border-radius:50%;margin-right:.3rem' }), stateLabel[a.state] ?? a.state),
        el('td', { class: 'text' }, a.reasonCode),
        el('td', { 'data-since': a.since }, clock((now() - Date.parse(a.since)) / 1000)))),
  );
}

function drawAlerts() {
  const list = document.getElementById('alerts');
  if (board.alerts.length === 0) return list.replaceChildren(el('li', { class: 'muted' }, 'none'));
  list.replaceChildren(
    ...board.alerts.map((a) =>
      el('li', { 'data-alert': `${a.siteId}/${a.queueId}/${a.kind}` },
        a.kind === 'service_level_below_target'
          ? `${a.siteId} / ${a.queueId}: service level ${pct(a.value)} below target ${pct(a.threshold)}`
          : `${a.siteId} / ${a.queueId}: a caller has waited ${clock(a.value)} (threshold ${clock(a.threshold)})`)),
  );
}

let waitingChart;
function drawWaitingChart() {
  const total = board.sites.reduce((n, s) => n + s.waiting, 0);
  const judged = board.sites.reduce((n, s) => n + s.answered + s.abandoned, 0);
  const within = board.sites.reduce((n, s) => n + (s.serviceLevel ?? 0) * (s.answered + s.abandoned), 0);
  history.t.push(wallSeconds(Date.parse(board.generatedAt), board.timezone));
  history.waiting.push(total);
  history.sl.push(judged > 0 ? (100 * within) / judged : null);
  for (const k of Object.keys(history)) if (history[k].length > HISTORY_POINTS) history[k].shift();
  const data = [history.t, history.waiting, history.sl];
  if (!waitingChart) {
    const box = document.getElementById('chart-waiting');
    waitingChart = new uPlot(
      chartOptions('Calls waiting, and service level today (all sites)', box.clientWidth || 500, [
        { label: 'waiting', stroke: '#d29922', width: 2, scale: 'calls' },
        { label: 'service level %', stroke: '#3fb950', width: 2, scale: '%' },
      ], {
        scales: { '%': { range: [0, 100] }, calls: { range: (_u, _min, max) => [0, Math.max(5, max + 1)] } },
        axes: [
          // A few minutes of history: label the ticks as the clock reads (uPlot's own labels go down to ":09.000").
          { stroke: '#8b9bab', grid: { stroke: '#263443' }, values: (_u, ticks) => ticks.map((t) => new Date(t * 1000).toISOString().slice(11, 19)) },
          { scale: 'calls', stroke: '#d29922', grid: { stroke: '#263443' }, label: 'calls waiting' },
          { scale: '%', side: 1, stroke: '#3fb950', grid: { show: false }, label: 'service level %' },
        ],
      }),
      data, box);
  } else waitingChart.setData(data);
}

let todayChart;
async function drawTodayChart() {
  if (!board) return;
  const url = `/reports/queues?groupBy=site&interval=15m&timezone=${encodeURIComponent(board.timezone)}&from=${encodeURIComponent(board.todayFrom)}&to=${encodeURIComponent(new Date(now() + 60_000).toISOString())}`;
  const response = await fetch(url);
  if (!response.ok) return;
  const { rows } = await response.json();
  const buckets = [...new Set(rows.map((r) => r.interval_start))].sort();
  const sum = (b, k) => rows.filter((r) => r.interval_start === b).reduce((n, r) => n + (r[k] ?? 0), 0);
  const t = buckets.map((b) => Date.parse(`${b.replace(' ', 'T')}Z`) / 1000);
  const data = [t, buckets.map((b) => sum(b, 'offered')), buckets.map((b) => sum(b, 'answered')), buckets.map((b) => sum(b, 'abandoned'))];
  const dayStart = wallSeconds(Date.parse(board.todayFrom), board.timezone);
  if (!todayChart) {
    const box = document.getElementById('chart-today');
    const bars = uPlot.paths.bars({ size: [0.8, 12] });
    todayChart = new uPlot(
      chartOptions(`Today by 15 minutes (${board.timezone})`, box.clientWidth || 500, [
        { label: 'offered', stroke: '#58a6ff', fill: '#58a6ff55', paths: bars },
        { label: 'answered', stroke: '#3fb950', width: 2 },
        { label: 'abandoned', stroke: '#f85149', width: 2 },
      ], { scales: { x: { time: true, range: () => [dayStart, dayStart + 86_400] }, y: { range: (_u, _min, max) => [0, Math.max(5, max + 1)] } } }),
      data, box);
  } else todayChart.setData(data);
}

function tick() {
  for (const cell of document.querySelectorAll('[data-since]')) {
    const since = cell.getAttribute('data-since');
    if (since) cell.textContent = clock((now() - Date.parse(since)) / 1000);
  }
}

function render() {
  document.getElementById('watermark').textContent = board.watermark.lastEventAt
    ? `${timeIn(Date.parse(board.watermark.lastEventAt), board.timezone)} (${board.watermark.eventsCounted} events since start)`
    : 'no event yet';
  document.getElementById('watermark').dataset.lastEventId = board.watermark.lastEventId ?? '';
  // Ingestion's lag, or that the figures stand still because ClickHouse takes no writes (since when, and why).
  const ingestion = document.getElementById('ingestion');
  const { lagSeconds, notCountingSince, notCountingBecause } = board.watermark;
  if (notCountingSince) {
    ingestion.textContent = `not counting since ${timeIn(Date.parse(notCountingSince), board.timezone)}: ${notCountingBecause}`;
    ingestion.className = 'bad';
  } else if (lagSeconds !== null && lagSeconds !== undefined) {
    ingestion.textContent = `lag ${lagSeconds < 10 ? lagSeconds.toFixed(1) : Math.round(lagSeconds)} s`;
    ingestion.className = lagSeconds > 60 ? 'bad' : lagSeconds > 5 ? 'warn' : 'muted';
  } else {
    ingestion.textContent = '';
  }
  document.getElementById('today').textContent = timeIn(Date.parse(board.todayFrom), board.timezone);
  document.getElementById('timezone').textContent = board.timezone;
  drawAlerts();
  drawSites();
  drawQueues();
  drawAgents();
  drawWaitingChart();
  document.body.dataset.generatedAt = board.generatedAt;
}

function connect() {
  const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/wallboard/live`);
  const status = document.getElementById('connection');
  socket.onopen = () => { status.textContent = 'live'; status.className = 'good'; };
  socket.onmessage = (message) => {
    board = JSON.parse(message.data);
    serverOffset = Date.parse(board.generatedAt) - Date.now();
    render();
    if (!todayChart) drawTodayChart();
  };
  socket.onclose = () => { status.textContent = 'reconnecting…'; status.className = 'bad'; setTimeout(connect, 1000); };
}

connect();
setInterval(tick, 1000);
setInterval(drawTodayChart, 30_000);
