// ./switchboard staffing: agents needed for a volume (Erlang C / A, computed here), or a site's day plan from reporting.
import { parseArgs } from 'node:util';
// The staffing math is pure and has no dependency: the CLI runs the reporting domain's own code.
import { agentsNeeded, agentsToSchedule } from '../../../../services/reporting/src/domain/staffing/index.ts';
import type { CliCommand } from './types.ts';

const usage = `usage:
  ./switchboard staffing --calls-per-hour 360 --aht 240 --target 0.8/20 [--shrinkage 0.3] [--patience 120] [--max-occupancy 0.85]
  ./switchboard staffing --site hz --date 2026-11-24 [--queue general] [--timezone Asia/Shanghai] [--target 0.8/20]
                         [--shrinkage 0.3] [--weeks 4] [--interval 30] [--shift 480/60] [--url http://127.0.0.1:4106]`;

const options = {
  'calls-per-hour': { type: 'string' },
  aht: { type: 'string' },
  target: { type: 'string', default: '0.8/20' },
  shrinkage: { type: 'string', default: '0' },
  patience: { type: 'string' },
  'max-occupancy': { type: 'string' },
  site: { type: 'string' },
  queue: { type: 'string' },
  date: { type: 'string' },
  timezone: { type: 'string', default: 'Asia/Shanghai' },
  weeks: { type: 'string', default: '4' },
  interval: { type: 'string', default: '30' },
  shift: { type: 'string', default: '480/60' },
  url: { type: 'string', default: 'http://127.0.0.1:4106' },
  help: { type: 'boolean', default: false },
} as const;

export const command: CliCommand = {
  summary: 'agents needed for a call volume (Erlang C, or A with --patience), or a site day’s forecast and shifts from reporting',
  async run(args) {
    const { values } = parseArgs({ args, options, strict: true });
    if (values.help) return void console.log(usage);
    const [serviceLevel, targetSeconds] = fraction(values.target, '--target', 'service level/seconds, e.g. 0.8/20');
    if (values.site) return plan(values, serviceLevel, targetSeconds);
    if (values['calls-per-hour'] === undefined || values.aht === undefined) throw new Error(`give --calls-per-hour and --aht, or --site and --date\n${usage}`);
    const callsPerHour = number(values['calls-per-hour'], '--calls-per-hour');
    const aht = number(values.aht, '--aht');
    const shrinkage = number(values.shrinkage, '--shrinkage');
    const patience = values.patience === undefined ? undefined : number(values.patience, '--patience');
    const figures = agentsNeeded(
      { arrivalsPerSecond: callsPerHour / 3600, ahtSeconds: aht, targetSeconds, patienceSeconds: patience },
      { serviceLevel, maxOccupancy: values['max-occupancy'] === undefined ? undefined : number(values['max-occupancy'], '--max-occupancy') },
    );
    console.log(`${patience === undefined ? 'Erlang C' : `Erlang A, mean patience ${patience} s`}: ${callsPerHour} calls/h, AHT ${aht} s, target ${pct(serviceLevel)} in ${targetSeconds} s`);
    printTable(
      ['traffic (E)', 'agents', 'to schedule', 'service level', 'ASA (s)', 'P(wait)', 'abandoned', 'occupancy'],
      [[figures.trafficErlangs.toFixed(2), String(figures.agents), String(agentsToSchedule(figures.agents, shrinkage)), pct(figures.serviceLevel), figures.asaSeconds.toFixed(1), pct(figures.probabilityOfWaiting), pct(figures.abandonRate), pct(figures.occupancy)]],
    );
  },
};

async function plan(values: { [k: string]: string | boolean | undefined }, serviceLevel: number, targetSeconds: number): Promise<void> {
  if (typeof values['date'] !== 'string') throw new Error(`--site needs --date (the local day to plan, YYYY-MM-DD)\n${usage}`);
  const [shiftMinutes, breakMinutes] = fraction(String(values['shift']), '--shift', 'minutes/break minutes, e.g. 480/60');
  const query = new URLSearchParams({
    siteId: String(values['site']),
    date: values['date'],
    timezone: String(values['timezone']),
    targetServiceLevel: String(serviceLevel),
    targetSeconds: String(targetSeconds),
    shrinkage: String(values['shrinkage']),
    weeks: String(values['weeks']),
    intervalMinutes: String(values['interval']),
    shiftMinutes: String(shiftMinutes),
    breakMinutes: String(breakMinutes),
  });
  if (typeof values['queue'] === 'string') query.set('queueId', values['queue']);
  if (typeof values['patience'] === 'string') query.set('patienceSeconds', values['patience']);
  const url = `${values['url']}/staffing/plan?${query}`;
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(`the reporting service does not answer at ${values['url']} (start it with ./switchboard start): ${String(error)}`);
  }
  const body = (await response.json()) as PlanBody & { detail?: string };
  if (!response.ok) throw new Error(`reporting answered ${response.status}: ${body.detail ?? JSON.stringify(body)}`);
  console.log(`${values['site']}${values['queue'] ? `/${values['queue']}` : ''} on ${values['date']} (${values['timezone']}), ${body.model}: forecast ${body.forecast.offered.toFixed(0)} calls from ${body.forecast.basis.map((b) => b.date).join(', ')}, trend ${body.forecast.trendPerWeek.toFixed(1)} calls/week`);
  printTable(
    ['interval', 'calls', 'AHT (s)', 'agents', 'to schedule', 'scheduled', 'over', 'under', 'SL', 'ASA (s)', 'occupancy'],
    body.intervals
      .filter((i) => i.offered > 0 || i.scheduled > 0)
      .map((i) => [i.local, i.offered.toFixed(1), i.ahtSeconds.toFixed(0), String(i.agents), String(i.agentsToSchedule), String(i.scheduled), String(i.over), String(i.under), pct(i.serviceLevel), i.asaSeconds.toFixed(1), pct(i.occupancy)]),
  );
  console.log(`\nshifts: ${body.agents} agents; ${body.scheduledAgentHours.toFixed(1)} agent-hours at work for ${body.requiredAgentHours.toFixed(1)} required`);
  printTable(['start', 'end', 'break', 'agents'], body.shifts.map((s) => [s.start, s.end, s.breakMinutes > 0 ? `${s.breakStart}–${s.breakEnd}` : '—', String(s.agents)]));
}

interface PlanBody {
  model: string;
  forecast: { offered: number; trendPerWeek: number; basis: { date: string }[] };
  intervals: { local: string; offered: number; ahtSeconds: number; agents: number; agentsToSchedule: number; scheduled: number; over: number; under: number; serviceLevel: number; asaSeconds: number; occupancy: number }[];
  shifts: { start: string; end: string; breakStart: string; breakEnd: string; breakMinutes: number; agents: number }[];
  agents: number;
  requiredAgentHours: number;
  scheduledAgentHours: number;
}

function number(text: string, flag: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new Error(`${flag} must be a number, got '${text}'`);
  return value;
}

function fraction(text: string, flag: string, shape: string): [number, number] {
  const [a, b, ...rest] = text.split('/');
  if (a === undefined || b === undefined || rest.length > 0) throw new Error(`${flag} must be ${shape}, got '${text}'`);
  return [number(a, flag), number(b, flag)];
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log([line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n'));
}
