// `./switchboard report <queues|sites|agents|self-service|satisfaction> --from YYYY-MM-DD --to YYYY-MM-DD [--interval hour] [--timezone Asia/Shanghai] [--site x] [--csv]`
import { parseArgs } from 'node:util';
import { refusal, reportingClient, table } from '../reporting-client.ts';
import { reportFormat } from '../report-format.ts';
import type { CliCommand } from './types.ts';

const shown: Record<string, string[]> = {
  queues: ['site_id', 'queue_id', 'interval_start', 'offered', 'answered', 'abandoned', 'service_level', 'answer_rate', 'asa_ms', 'aht_ms'],
  sites: ['site_id', 'interval_start', 'offered', 'answered', 'abandoned', 'service_level', 'answer_rate', 'asa_ms', 'aht_ms'],
  agents: ['site_id', 'agent_id', 'interval_start', 'answered', 'handled', 'aht_ms', 'occupancy', 'utilisation'],
  'self-service': ['site_id', 'interval_start', 'arrived', 'contained', 'containment_rate', 'queries_by_voice', 'queries_by_agent'],
  // The post-call survey shares of the interval report, per site and queue (docs/metrics.md, "Satisfaction shares").
  satisfaction: ['site_id', 'queue_id', 'interval_start', 'surveys_offered', 'surveys_answered', 'satisfied_share', 'neutral_share', 'dissatisfied_share', 'survey_response_rate'],
};
/** The API a report reads: the site and satisfaction reports are views of the interval report. */
const apiOf = (kind: string) => (kind === 'sites' || kind === 'satisfaction' ? 'queues' : kind);

/** The UTC instant of local midnight of `date` in `timezone`. */
function localMidnight(date: string, timezone: string): Date {
  const guess = new Date(`${date}T00:00:00Z`);
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(guess).map((x) => [x.type, x.value]),
  );
  return new Date(2 * guess.getTime() - Date.parse(`${p['year']}-${p['month']}-${p['day']}T${p['hour']}:${p['minute']}:00Z`));
}

export const command: CliCommand = {
  summary: 'a historical report (queues, sites, agents, self-service, satisfaction) for a date range, as a table or CSV',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        interval: { type: 'string', default: 'day' },
        timezone: { type: 'string', default: 'Asia/Shanghai' },
        site: { type: 'string', multiple: true },
        queue: { type: 'string' },
        csv: { type: 'boolean', default: false },
      },
    });
    const kind = positionals[0] ?? 'queues';
    if (!(kind in shown)) throw new Error(`unknown report "${kind}": choose queues, sites, agents, self-service or satisfaction`);
    const date = /^\d{4}-\d{2}-\d{2}$/;
    if (!values.from || !date.test(values.from) || !values.to || !date.test(values.to)) throw new Error('give --from and --to as dates, e.g. --from 2026-11-01 --to 2026-11-30 (both days included)');
    const from = localMidnight(values.from, values.timezone);
    const to = new Date(localMidnight(values.to, values.timezone).getTime() + 86_400_000);
    const query = new URLSearchParams({ from: from.toISOString(), to: to.toISOString(), interval: values.interval, timezone: values.timezone, format: values.csv ? 'csv' : 'json' });
    if (kind === 'sites') query.set('groupBy', 'site');
    for (const site of values.site ?? []) query.append('siteId', site);
    if (values.queue) query.set('queueId', values.queue);
    const client = await reportingClient('supervisor');
    const response = await client.get(`/reports/${apiOf(kind)}?${query}`);
    if (!response.ok) throw await refusal(response);
    if (values.csv) {
      process.stdout.write(await response.text());
      return;
    }
    const { rows } = (await response.json()) as { rows: Record<string, unknown>[] };
    process.stdout.write(`${kind} report, ${values.from} to ${values.to} (${values.timezone}), by ${values.interval}: ${rows.length} rows (--csv for every column)\n\n`);
    process.stdout.write(`${table(rows, shown[kind]!, reportFormat)}\n`);
  },
};
