// Formatting shared by the wallboard and the reports: one way to show a rate, a duration, a count.
export const pct = (v) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)} %`);
export const secs = (v) => (v === null || v === undefined ? '—' : `${Math.round(v)} s`);
export const clock = (s) => {
  const t = Math.max(0, Math.round(s));
  const h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), r = t % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}` : `${m}:${String(r).padStart(2, '0')}`;
};
export const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('data-')) node.setAttribute(k, v);
    else node[k] = v;
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
};
export const slClass = (v, target = 0.8) => (v === null || v === undefined ? '' : v >= target ? 'good' : v >= target - 0.1 ? 'warn' : 'bad');
/**
 * uPlot options for a time chart. Times are plotted as wall-clock time of the report's zone: the series'
 * x values are that wall time written as if it were UTC, and the axis is drawn in UTC.
 */
export const chartOptions = (title, width, series, extra = {}) => ({
  title, width, height: 220,
  tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
  series: [{}, ...series],
  axes: extra.axes ?? [{ stroke: '#8b9bab', grid: { stroke: '#263443' } }, { stroke: '#8b9bab', grid: { stroke: '#263443' } }],
  scales: extra.scales ?? {},
});
/** The wall-clock time of an instant in a zone, as seconds "as if UTC" (see chartOptions). */
export const wallSeconds = (ms, timezone) => {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return Date.parse(`${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}Z`) / 1000;
};
/** An instant shown in a zone, e.g. "2026-11-24 09:15:02". */
export const timeIn = (ms, timezone) => new Date(wallSeconds(ms, timezone) * 1000).toISOString().slice(0, 19).replace('T', ' ');
