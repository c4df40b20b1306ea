// The whole embedded system under the traffic simulator (issues 3 and 5): started as `./switchboard start` starts
// it (the launcher's own code), in a throw-away data folder on free ports, then driven at 20 calls/s for 5 minutes,
// then stepped up until it breaks. Figures: queued → offered when an agent was free, lost or stuck calls, CPU and
// peak RSS of every process, and the wallboard's freshness as a supervisor's WebSocket sees it.
import { chmod, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { timestampMs } from '@bufbuild/protobuf/wkt';
import { decodeEnvelope } from '@switchboard/contracts';
import { freePort } from '@switchboard/testing';
import { embeddedServerUrl, withDatabase } from '@switchboard/postgres';
import pg from 'pg';
import { launcherConfig } from '../../deploy/cli/src/config.ts';
import { embeddedSystem, type EmbeddedSystem } from '../../deploy/cli/src/start.ts';
import { agentsFor, launcherSecret, simulatorToken } from '../../deploy/cli/src/commands/simulate.ts';
import { BUS_DATABASE, databaseName, envPrefix, services } from '../../deploy/cli/src/services.ts';
import { countsAddUp, formatSummary, startSimulation, type TallySnapshot } from '../../libs/simulator/src/index.ts';
import { accessTokens } from '../../libs/service-kit/src/index.ts';
import { percentile, type Figure } from './harness.ts';

const SITES = 4;
const OFFER_TARGET_MS = 100;
const FRESHNESS_TARGET_MS = 1000;
const CARD_TARGET_MS = 300;
/** The desk page's wait for the card the console pushes behind an offer before it asks (services/console/src/pages/desk.mjs). */
const PUSHED_CARD_WAIT_MS = 1500;
const env = (name: string, fallback: number) => (process.env[name] === undefined ? fallback : Number(process.env[name]));

interface Push {
  readonly arrivedAt: number;
  readonly lastEventAt: number | undefined;
  readonly eventsCounted: number;
}

interface Usage {
  /** user + sys seconds over the phase. */
  readonly cpuSeconds: number;
  /** Peak resident memory, bytes (VmHWM of one process; for Postgres the peak of its processes' summed PSS). */
  readonly peakBytes: number;
}

type Hop = 'telephony relay' | 'routing consumer + decision' | 'routing relay' | 'telephony consumer + bridge command' | 'telephony consumer (→ command written)' | 'bridge command (written → switch)';

interface PhaseResult {
  readonly rate: number;
  readonly seconds: number;
  readonly tally: TallySnapshot;
  /** Caller handed to a queue (telephony's AgentRequested) → the agent's phone rings at the switch, first offers made when an agent was free. */
  readonly freeOfferMs: number[];
  /** The same offers in the order they were queued: [ms since the phase's first arrival, queued → rung ms]. */
  readonly freeOfferTimeline: [number, number][];
  /** Same start → routing's CallOffered appended to the local log. */
  readonly freeDecisionMs: number[];
  /** First offers that came only after the caller waited for an agent (all busy) or overflowed. */
  readonly waitedOffers: number;
  readonly freshnessMs: number[];
  /** The same pushes in order: [ms since the phase's first arrival, freshness ms]. */
  readonly freshnessTimeline: [number, number][];
  /** Routing's offer (offeredAt) → the caller's card on the agent's desk, every offer the desks saw. */
  readonly cardMs: number[];
  /** How the desks got their cards: pushed by the console behind the offer, or asked for after the page's wait. */
  readonly cards: { readonly pushed: number; readonly asked: number };
  /** The free offers' time split by hop (see `Hop`). */
  readonly hops: Record<Hop, number[]>;
  readonly pushes: number;
  readonly stuck: string[];
  readonly usage: Map<string, Usage>;
  readonly wallSeconds: number;
  readonly warnings: Map<string, number>;
}

/** Per-process CPU (utime + stime) and peak memory from /proc, sampled every 2 s. */
class ProcessSampler {
  private readonly seen = new Map<number, { group: string; base: number; last: number; hwm: number }>();
  private readonly pgPeak = { bytes: 0 };
  private timer: NodeJS.Timeout | undefined;
  private first = true;
  private readonly groups: () => Promise<Map<number, string>>;

  constructor(groups: () => Promise<Map<number, string>>) {
    this.groups = groups;
  }

  async start(): Promise<void> {
    await this.sample();
    this.first = false;
    this.timer = setInterval(() => void this.sample(), 2000);
  }

  async stop(): Promise<Map<string, Usage>> {
    clearInterval(this.timer);
    await this.sample();
    const usage = new Map<string, Usage>();
    for (const { group, base, last, hwm } of this.seen.values()) {
      const u = usage.get(group) ?? { cpuSeconds: 0, peakBytes: 0 };
      usage.set(group, { cpuSeconds: u.cpuSeconds + (last - base) / 100, peakBytes: group === 'postgres' ? this.pgPeak.bytes : Math.max(u.peakBytes, hwm) });
    }
    return usage;
  }

  private async sample(): Promise<void> {
    const groups = await this.groups();
    let pgBytes = 0;
    for (const [pid, group] of groups) {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
      if (stat === undefined) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]);
      const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
      const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
      if (group === 'postgres') {
        const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
        pgBytes += Number(/Pss:\s+(\d+)/.exec(rollup)?.[1] ?? 0) * 1024;
      }
      const known = this.seen.get(pid);
      if (known === undefined) this.seen.set(pid, { group, base: this.first ? ticks : 0, last: ticks, hwm });
      else {
        known.last = ticks;
        known.hwm = Math.max(known.hwm, hwm);
      }
    }
    this.pgPeak.bytes = Math.max(this.pgPeak.bytes, pgBytes);
  }
}

/** The times of a timeline ([ms into the phase, time]) by minute of the phase, each minute's sorted. */
function byMinute(timeline: readonly (readonly [number, number])[]): number[][] {
  const minutes: number[][] = [];
  for (const [at, time] of timeline) (minutes[Math.max(0, Math.floor(at / 60_000))] ??= []).push(time);
  return Array.from(minutes, (list) => (list ?? []).sort((a, b) => a - b));
}

/** The postmaster and its children (backends, background workers). */
async function postgresPids(dataDir: string): Promise<number[]> {
  const postmaster = Number((await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').catch(() => '0')).split('\n')[0]);
  if (!postmaster) return [];
  const pids = [postmaster];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => undefined);
    if (stat !== undefined && Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster) pids.push(Number(entry));
  }
  return pids;
}

export async function system(): Promise<Figure[]> {
  const rate = env('BENCH_SYSTEM_RATE', 20);
  const seconds = env('BENCH_SYSTEM_SECONDS', 300);
  const steps = (process.env.BENCH_SYSTEM_STEPS ?? '40,60,80,100,120').split(',').filter(Boolean).map(Number);
  const stepSeconds = env('BENCH_SYSTEM_STEP_SECONDS', 60);
  /** A first phase at the same rate, figures shown apart: the measured one starts on a warm system (JIT, caches, connections). */
  const warmupSeconds = env('BENCH_SYSTEM_WARMUP_SECONDS', 30);
  const dataDir = await mkdtemp(join(tmpdir(), 'switchboard-bench-system-'));
  // The embedded Postgres may run as another system user (when we are root): it must be able to enter the folder.
  await chmod(dataDir, 0o755);
  const ports: Record<string, string> = { SWITCHBOARD_POSTGRES_PORT: String(await freePort()), SWITCHBOARD_SIMULATOR_PORT: String(await freePort()) };
  for (const s of services) ports[`${envPrefix(s.name)}_PORT`] = String(await freePort());
  const config = launcherConfig.parse({ SWITCHBOARD_DATA_DIR: dataDir, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info', ...ports });
  // Warnings and errors of the services, counted by message (and, for the ACD's refusals, by command and code).
  const warnings = new Map<string, number>();
  const system: EmbeddedSystem = embeddedSystem(config, {
    quiet: true,
    onServiceLine: (service, line) => {
      if (!line.includes('"level":40') && !line.includes('"level":50') && !line.includes('"level":60')) return;
      try {
        const entry = JSON.parse(line) as { msg?: string; command?: string; rejected?: { code?: string } };
        const key = `${service}: ${entry.msg ?? line.slice(0, 80)}${entry.command ? ` (${entry.command} ${entry.rejected?.code ?? ''})` : ''}`;
        warnings.set(key, (warnings.get(key) ?? 0) + 1);
      } catch {
        warnings.set(`${service}: ${line.slice(0, 80)}`, (warnings.get(`${service}: ${line.slice(0, 80)}`) ?? 0) + 1);
      }
    },
  });
  const figures: Figure[] = [];
  let socket: WebSocket | undefined;
  // Kept for a look when a call was stuck (its Postgres and chDB folders, as the services left them).
  let keepData = false;
  try {
    const upStarted = Date.now();
    await system.up();
    process.stderr.write(`  system up in ${((Date.now() - upStarted) / 1000).toFixed(1)} s (data in ${dataDir})\n`);
    const secret = await launcherSecret(config);
    const bus = new pg.Pool({ connectionString: withDatabase(embeddedServerUrl(config.SWITCHBOARD_POSTGRES_PORT), BUS_DATABASE), max: 2 });
    // Telephony's switch-command outbox: when each bridge command was written, to split the last hop.
    const telephonyDb = new pg.Pool({ connectionString: withDatabase(embeddedServerUrl(config.SWITCHBOARD_POSTGRES_PORT), databaseName('telephony')), max: 1 });

    // A signed-in supervisor's wallboard, for the whole run.
    const pushes: Push[] = [];
    const token = await accessTokens(system.authSecret()).issuePerson({ personId: 'bench-supervisor', name: 'Bench supervisor', role: 'supervisor', sites: ['*'] }, 4 * 3600);
    socket = new WebSocket(`${system.urlOf('reporting').replace('http', 'ws')}/wallboard/live`, { headers: { authorization: `Bearer ${token}` } } as never);
    socket.addEventListener('message', (message) => {
      const arrivedAt = Date.now();
      const wallboard = JSON.parse(String(message.data)) as { watermark: { lastEventAt: string | null; eventsCounted: number } };
      pushes.push({ arrivedAt, lastEventAt: wallboard.watermark.lastEventAt === null ? undefined : Date.parse(wallboard.watermark.lastEventAt), eventsCounted: wallboard.watermark.eventsCounted });
    });
    await new Promise<void>((resolve, reject) => {
      socket!.addEventListener('open', () => resolve());
      socket!.addEventListener('error', () => reject(new Error('the wallboard socket did not open')));
    });

    const groups = async () => {
      const map = new Map<number, string>([[process.pid, 'bench (simulator, wallboard socket)']]);
      for (const [name, pid] of system.pids()) map.set(pid, name);
      for (const pid of await postgresPids(dataDir)) map.set(pid, 'postgres');
      return map;
    };

    const phase = async (phaseRate: number, phaseSeconds: number, drainMs: number, seed: number): Promise<PhaseResult> => {
      warnings.clear();
      const firstRing = new Map<string, { at: number; waitedMs: number }>();
      const simulation = await startSimulation({
        urls: { telephony: system.urlOf('telephony'), routing: system.urlOf('routing'), customers: system.urlOf('customers') },
        secret,
        accessToken: simulatorToken(system.authSecret()),
        seed,
        ratePerSecond: phaseRate,
        speed: 1,
        sites: SITES,
        agentsPerSite: agentsFor(phaseRate, SITES, 1),
        durationMs: phaseSeconds * 1000,
        drainMs,
        switchPort: config.SWITCHBOARD_SIMULATOR_PORT,
        progressEveryMs: 30_000,
        onProgress: (p) => process.stderr.write(`  [${phaseRate}/s ${(p.elapsedMs / 1000).toFixed(0)} s] arrived ${p.tally.counts.arrived} answered ${p.tally.counts.answered} waiting ${p.tally.waitingNow} talking ${p.tally.talkingNow}\n`),
        onRing: (callId, _agentId, waitedMs) => {
          if (!firstRing.has(callId)) firstRing.set(callId, { at: Date.now(), waitedMs });
        },
      });
      // Every simulated agent's desk open at the console, as an agent's page would be: each offer's caller card is
      // asked for as soon as the caller's number is known, and timed from routing's decision (offeredAt).
      const desks = await openDesks(system.urlOf('console'), accessTokens(system.authSecret()), simulation.network.agents);
      // Measured from the first arrival (the set-up of agents is not part of the phase).
      const started = Date.now();
      const sampler = new ProcessSampler(groups);
      await sampler.start();
      const pushesBefore = pushes.length;
      const arrivalsEnd = started + phaseSeconds * 1000;
      const { tally } = await simulation.done;
      const usage = await sampler.stop();
      const { cardMs, cards } = await desks.close();
      const wallSeconds = (Date.now() - started) / 1000;
      process.stderr.write(`${formatSummary({ elapsedMs: Date.now() - started, tally })}\n`);

      // Routing agrees: nobody left on a call or ringing, no caller still waiting except callbacks not yet dialled. The
      // simulator is done when its last calls ended; routing hears of those ends a moment later (its consumers' lag),
      // so a call counts as stuck only if routing still holds it 10 s on.
      const stuckNow = async (): Promise<string[]> => {
        const found: string[] = [];
        for (const site of simulation.network.sites) {
          const view = (await (await fetch(`${system.urlOf('routing')}/acd/sites/${site.siteId}`, { headers: { authorization: `Bearer ${await simulatorToken(system.authSecret())()}` } })).json()) as { agents: { agentId: string; state: string; callId: string | null }[]; queues: { waiting: { callId: string; callback?: boolean }[] }[] };
          for (const a of view.agents) if (a.state === 'on-call' || a.state === 'reserved') found.push(`${site.siteId}: agent ${a.agentId} still ${a.state}${a.callId ? ` (call ${a.callId})` : ''}`);
          for (const q of view.queues) for (const c of q.waiting) if (c.callback !== true) found.push(`${site.siteId}: call ${c.callId} still waiting`);
        }
        return found;
      };
      const settleStarted = Date.now();
      let stuck = await stuckNow();
      while (stuck.length > 0 && Date.now() - settleStarted < 10_000) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        stuck = await stuckNow();
      }
      if (stuck.length === 0) process.stderr.write(`  routing held no agent or caller ${Date.now() - settleStarted} ms after the simulator's last call\n`);
      if (stuck.length > 0) {
        keepData = true;
        process.stderr.write(`  stuck after the drain:\n${stuck.map((line) => `    ${line}\n`).join('')}`);
      }

      // The log: when each call was handed to a queue (telephony) and how routing made its first offer.
      const asked = new Map<string, { occurredAt: number; appendedAt: number }>();
      const firstOffer = new Map<string, { occurredAt: number; appendedAt: number; waitedMs: number; noAnswers: number; overflowed: boolean }>();
      const rows = await bus.query<{ value: Buffer; appended_at: Date }>(
        `select value, appended_at from eventbus.messages where topic in ('telephony.calls', 'routing.events') and appended_at >= $1 order by appended_at`,
        [new Date(started - 5000)],
      );
      for (const row of rows.rows) {
        let decoded;
        try {
          decoded = decodeEnvelope(row.value);
        } catch {
          continue;
        }
        const { envelope, event } = decoded;
        if (event.type === 'AgentRequested' && !asked.has(event.message.callId)) asked.set(event.message.callId, { occurredAt: timestampMs(envelope.occurredAt!), appendedAt: row.appended_at.getTime() });
        if (event.type === 'CallOffered' && !firstOffer.has(event.message.callId)) {
          const d = event.message.decision;
          firstOffer.set(event.message.callId, { occurredAt: timestampMs(envelope.occurredAt!), appendedAt: row.appended_at.getTime(), waitedMs: d?.waitedMs ?? 0, noAnswers: d?.noAnswers ?? 0, overflowed: (d?.overflowPath.length ?? 0) > 0 });
        }
      }
      const freeOfferMs: number[] = [];
      const freeOfferTimeline: [number, number][] = [];
      const freeDecisionMs: number[] = [];
      let waitedOffers = 0;
      // Each hop of a free offer: telephony's outbox to the log, routing's consumer and decision, routing's outbox to the log, telephony's consumer to the switch.
      const hops: Record<Hop, number[]> = {
        'telephony relay': [],
        'routing consumer + decision': [],
        'routing relay': [],
        'telephony consumer + bridge command': [],
        'telephony consumer (→ command written)': [],
        'bridge command (written → switch)': [],
      };
      const bridgeWritten = new Map<string, number>();
      const bridges = await telephonyDb.query<{ call_id: string; created_at: Date }>(`select call_id, min(created_at) as created_at from switch_commands where kind = 'bridge' group by call_id`);
      for (const row of bridges.rows) bridgeWritten.set(row.call_id, row.created_at.getTime());
      for (const [callId, offer] of firstOffer) {
        const requested = asked.get(callId);
        const ring = firstRing.get(callId);
        if (requested === undefined) continue;
        const t0 = requested.occurredAt;
        // An agent was free: the ACD offered the call in the very decision that queued it (it had waited 0 ms, never rang out, never overflowed).
        if (offer.waitedMs === 0 && offer.noAnswers === 0 && !offer.overflowed) {
          freeDecisionMs.push(offer.appendedAt - t0);
          hops['telephony relay'].push(requested.appendedAt - t0);
          hops['routing consumer + decision'].push(offer.occurredAt - requested.appendedAt);
          hops['routing relay'].push(offer.appendedAt - offer.occurredAt);
          if (ring !== undefined) {
            freeOfferMs.push(ring.at - t0);
            freeOfferTimeline.push([t0 - started, ring.at - t0]);
            hops['telephony consumer + bridge command'].push(ring.at - offer.appendedAt);
            const written = bridgeWritten.get(callId);
            if (written !== undefined) {
              hops['telephony consumer (→ command written)'].push(written - offer.appendedAt);
              hops['bridge command (written → switch)'].push(ring.at - written);
            }
          }
        } else waitedOffers++;
      }
      for (const list of Object.values(hops)) list.sort((a, b) => a - b);
      // Freshness: pushes after new events were counted, from the newest counted event's occurred-at to the push's arrival.
      const freshnessMs: number[] = [];
      const freshnessTimeline: [number, number][] = [];
      let counted = pushes[pushesBefore - 1]?.eventsCounted ?? 0;
      for (const p of pushes.slice(pushesBefore)) {
        if (p.eventsCounted > counted && p.lastEventAt !== undefined && p.arrivedAt <= arrivalsEnd) {
          freshnessMs.push(p.arrivedAt - p.lastEventAt);
          freshnessTimeline.push([p.arrivedAt - started, p.arrivedAt - p.lastEventAt]);
        }
        counted = Math.max(counted, p.eventsCounted);
      }
      return {
        rate: phaseRate,
        seconds: phaseSeconds,
        tally,
        freeOfferMs: freeOfferMs.sort((a, b) => a - b),
        freeOfferTimeline: freeOfferTimeline.sort((a, b) => a[0] - b[0]),
        freeDecisionMs: freeDecisionMs.sort((a, b) => a - b),
        waitedOffers,
        freshnessMs: freshnessMs.sort((a, b) => a - b),
        freshnessTimeline,
        cardMs,
        cards,
        hops,
        pushes: pushes.length - pushesBefore,
        stuck,
        usage,
        wallSeconds,
        warnings: new Map(warnings),
      };
    };

    const lost = (r: PhaseResult) => r.tally.open + r.tally.outcomes.failed + r.tally.violations.length + r.stuck.length + (countsAddUp(r.tally) ? 0 : 1);
    const broken = (r: PhaseResult): string[] => [
      ...(percentile(r.freeOfferMs, 99) > OFFER_TARGET_MS ? [`queued → offered p99 ${percentile(r.freeOfferMs, 99)} ms > ${OFFER_TARGET_MS} ms`] : []),
      ...(percentile(r.freshnessMs, 99) > FRESHNESS_TARGET_MS ? [`wallboard freshness p99 ${percentile(r.freshnessMs, 99)} ms > ${FRESHNESS_TARGET_MS} ms`] : []),
      ...(lost(r) > 0 ? [`${lost(r)} calls lost, stuck or failed (open ${r.tally.open}, failed ${r.tally.outcomes.failed}, violations ${r.tally.violations.length}, stuck in routing ${r.stuck.length})`] : []),
    ];
    const describe = (r: PhaseResult, name: string) => {
      const c = r.tally.counts;
      const o = r.tally.outcomes;
      const ms = (v: number) => (Number.isNaN(v) ? 'n/a' : `${v} ms`);
      figures.push(
        { benchmark: name, figure: 'calls (outcomes)', value: `${c.arrived}`, note: `answered ${o.answered + o['overflowed-then-answered']}, abandoned ${o.abandoned}, self-served ${o['self-served']}, callbacks ${o['callback-pending'] + o['callback-reached'] + o['callback-not-reached']}, released by IVR ${o['released-by-ivr']}, cut off after the drain ${o['cut-off']}, failed ${o.failed}; ${countsAddUp(r.tally) ? 'one outcome each, counts add up' : `${r.tally.open} without an outcome`}` },
        { benchmark: name, figure: 'lost or stuck calls', value: String(lost(r)), note: `violations ${r.tally.violations.length}${r.tally.violations.length ? ` (first: ${r.tally.violations[0]})` : ''}; still held in routing after the drain ${r.stuck.length}${r.stuck.length ? ` (${r.stuck.slice(0, 3).join('; ')})` : ''}` },
        { benchmark: name, figure: 'queued → agent rung, an agent free: p50 / p99', value: `${ms(percentile(r.freeOfferMs, 50))} / ${ms(percentile(r.freeOfferMs, 99))}`, note: `target p99 < ${OFFER_TARGET_MS} ms; ${r.freeOfferMs.length} first offers made when queued; ${r.waitedOffers} others waited for an agent, rang out or overflowed` },
        { benchmark: name, figure: 'queued → agent rung, an agent free: p99 by minute of the phase', value: byMinute(r.freeOfferTimeline).map((list) => ms(percentile(list, 99))).join(', '), note: 'is the tail spread over the run, or gathered in a minute? (the main phase’s every offer, in order: freeOfferTimeline in switchboard-bench-system-main.json in the temporary folder)' },
        { benchmark: name, figure: 'queued → CallOffered on the log, an agent free: p50 / p99', value: `${ms(percentile(r.freeDecisionMs, 50))} / ${ms(percentile(r.freeDecisionMs, 99))}`, note: 'routing’s part of the above' },
        ...Object.entries(r.hops).map(([hop, list]) => ({ benchmark: name, figure: `hop: ${hop}, p50 / p99`, value: `${ms(percentile(list, 50))} / ${ms(percentile(list, 99))}`, note: `${list.length} free offers` })),
        { benchmark: name, figure: 'offer → caller’s card at the desk: p50 / p99', value: `${ms(percentile(r.cardMs, 50))} / ${ms(percentile(r.cardMs, 99))}`, note: `target p99 < ${CARD_TARGET_MS} ms; ${r.cardMs.length} offers seen by the agents’ desks (/ws/desk), shown as the page shows them: ${r.cards.pushed} cards pushed behind their offer, ${r.cards.asked} asked for after ${PUSHED_CARD_WAIT_MS} ms (/desk/api/customer-card)` },
        { benchmark: name, figure: 'wallboard freshness: p50 / p99', value: `${ms(percentile(r.freshnessMs, 50))} / ${ms(percentile(r.freshnessMs, 99))}`, note: `target p99 ≤ ${FRESHNESS_TARGET_MS} ms; ${r.freshnessMs.length} pushes with new events of ${r.pushes}; max ${ms(r.freshnessMs.at(-1) ?? Number.NaN)}` },
        { benchmark: name, figure: 'wallboard freshness: p99 by minute of the phase', value: byMinute(r.freshnessTimeline).map((list) => ms(percentile(list, 99))).join(', '), note: 'is it steady, or does it grow as the run goes on?' },
      );
      const usage = [...r.usage].sort((a, b) => b[1].cpuSeconds - a[1].cpuSeconds);
      figures.push({
        benchmark: name,
        figure: 'CPU, % of one core (user+sys over the phase), and peak RSS',
        value: usage.map(([g, u]) => `${g} ${((u.cpuSeconds / r.wallSeconds) * 100).toFixed(0)} % ${(u.peakBytes / 2 ** 20).toFixed(0)} MiB`).join('; '),
        note: `total ${((usage.reduce((s, [, u]) => s + u.cpuSeconds, 0) / r.wallSeconds) * 100).toFixed(0)} % of one core (2 cores = 200 %) over ${r.wallSeconds.toFixed(0)} s; Postgres: all its processes, memory as the peak of their summed PSS`,
      });
      if (r.warnings.size > 0) figures.push({ benchmark: name, figure: 'service warnings', value: String([...r.warnings.values()].reduce((a, b) => a + b, 0)), note: [...r.warnings].map(([k, v]) => `${v}× ${k}`).join('; ') });
    };

    // Seven processes that have just started compile their code, fill their caches and open their connections during
    // the first seconds of traffic: one 120 s run from a cold start had 16 of its 792 free offers over 100 ms in its first
    // second and 18 more around 19 s and 29 s, so its p99 measured the start (221 ms; 120 ms after the first 30 s).
    // The cold start is a phase of its own, shown apart; the measured phase is a running system's.
    if (warmupSeconds > 0) {
      process.stderr.write(`  warming up: ${rate} calls/s for ${warmupSeconds} s from a cold start …\n`);
      describe(await phase(rate, warmupSeconds, 30_000, 20261123), `system, cold start: the first ${warmupSeconds} s at ${rate} calls/s`);
    }
    const main = await phase(rate, seconds, 60_000, 20261124);
    describe(main, `system, ${rate} calls/s × ${seconds} s`);
    // Already broken at the first rate: no point stepping up.
    if (broken(main).length > 0) {
      figures.push({ benchmark: 'system, stepping', figure: 'breaks at', value: `≤ ${rate} calls/s`, note: broken(main).join('; ') });
      steps.length = 0;
    }
    await writeFile(join(tmpdir(), 'switchboard-bench-system-main.json'), JSON.stringify({ ...main, usage: [...main.usage], warnings: [...main.warnings] }, null, 1)).catch(() => undefined);

    for (const [i, stepRate] of steps.entries()) {
      process.stderr.write(`  stepping: ${stepRate} calls/s for ${stepSeconds} s …\n`);
      const result = await phase(stepRate, stepSeconds, 30_000, 20261125 + i).catch((error: unknown) => {
        // A system that is still working through the last phase's backlog may refuse the simulator's set-up (an agent still reserved, say).
        figures.push({ benchmark: 'system, stepping', figure: 'breaks at', value: `${stepRate} calls/s`, note: `the step could not run: ${error instanceof Error ? error.message : String(error)}` });
        return undefined;
      });
      if (result === undefined) break;
      describe(result, `system, step ${stepRate} calls/s × ${stepSeconds} s`);
      const why = broken(result);
      if (why.length > 0) {
        figures.push({ benchmark: 'system, stepping', figure: 'breaks at', value: `${stepRate} calls/s`, note: why.join('; ') });
        break;
      }
    }
    await bus.end();
    await telephonyDb.end();
  } finally {
    socket?.close();
    await system.stop();
    if (keepData) process.stderr.write(`  calls were stuck: the data is kept in ${dataDir} (start it with SWITCHBOARD_DATA_DIR=${dataDir} ./switchboard start)\n`);
    else await rm(dataDir, { recursive: true, force: true });
  }
  return figures;
}

interface DeskNewsMessage {
  readonly type: string;
  readonly callId?: string;
  readonly callingNumber?: string;
  readonly offer?: { readonly callId: string; readonly callingNumber: string; readonly offeredAt: string | null };
}

/**
 * Opens each agent's desk socket at the console with a token for that agent and shows each offer's caller card
 * as the desk page does: the card the console pushes right behind the offer, or, when none came within the
 * page's wait, the card asked for (/desk/api/customer-card); `close` answers offer → card times in ms.
 */
async function openDesks(consoleUrl: string, tokens: ReturnType<typeof accessTokens>, agents: readonly { agentId: string; siteId: string }[]) {
  const cardMs: number[] = [];
  const pending: Promise<void>[] = [];
  const sockets: WebSocket[] = [];
  const counts = { pushed: 0, asked: 0 };
  for (const agent of agents) {
    const token = await tokens.issuePerson({ personId: `bench-${agent.agentId}`, name: agent.agentId, role: 'agent', sites: [agent.siteId], agentId: agent.agentId }, 4 * 3600);
    /** Offers whose card is not shown yet: when the offer happened, and the page's fallback timer once the number is known. */
    const offers = new Map<string, { offeredAt: number; fallback?: NodeJS.Timeout }>();
    const shown = (callId: string) => {
      const offer = offers.get(callId);
      if (offer === undefined) return;
      clearTimeout(offer.fallback);
      offers.delete(callId);
      cardMs.push(Date.now() - offer.offeredAt);
    };
    const awaitCard = (callId: string, number: string) => {
      const offer = offers.get(callId);
      if (offer === undefined || offer.fallback !== undefined) return;
      offer.fallback = setTimeout(() => {
        counts.asked++;
        pending.push(
          fetch(`${consoleUrl}/desk/api/customer-card?number=${encodeURIComponent(number)}&callId=${encodeURIComponent(callId)}`, { headers: { authorization: `Bearer ${token}` } })
            .then(async (response) => {
              await response.arrayBuffer();
              if (response.ok) shown(callId);
            })
            .catch(() => undefined),
        );
      }, PUSHED_CARD_WAIT_MS);
    };
    const socket = new WebSocket(`${consoleUrl.replace('http', 'ws')}/ws/desk`, { headers: { authorization: `Bearer ${token}` } } as never);
    socket.addEventListener('message', (message) => {
      const news = JSON.parse(String(message.data)) as DeskNewsMessage;
      if (news.type === 'offer' && news.offer?.offeredAt) {
        offers.set(news.offer.callId, { offeredAt: Date.parse(news.offer.offeredAt) });
        if (news.offer.callingNumber) awaitCard(news.offer.callId, news.offer.callingNumber);
      } else if (news.type === 'caller' && news.callId && news.callingNumber) {
        awaitCard(news.callId, news.callingNumber);
      } else if (news.type === 'card' && news.callId) {
        counts.pushed++;
        shown(news.callId);
      }
    });
    await new Promise<void>((resolve) => {
      socket.addEventListener('open', () => resolve());
      socket.addEventListener('error', () => resolve());
    });
    sockets.push(socket);
  }
  return {
    async close(): Promise<{ cardMs: number[]; cards: { pushed: number; asked: number } }> {
      for (const socket of sockets) socket.close();
      await Promise.all(pending);
      return { cardMs: cardMs.sort((a, b) => a - b), cards: { ...counts } };
    },
  };
}
