// The ACD engine in-process: decisions per second and decision time with 5,000 agents, 200 queues, 20 sites (one decider per site).
import { asDecodedEvent } from '@switchboard/contracts';
import type { AcdCommand } from '../../services/routing/src/domain/acd/commands.ts';
import { decide } from '../../services/routing/src/domain/acd/decide.ts';
import { evolve } from '../../services/routing/src/domain/acd/evolve.ts';
import { seededRandom } from '../../libs/simulator/src/index.ts';
import { siteSetup, siteTraffic, type Traffic } from '../../services/routing/src/domain/acd/simulated-traffic.ts';
import { skillScore } from '../../services/routing/src/domain/acd/skills.ts';
import { initialState, type RegisteredSite, type SiteRouting } from '../../services/routing/src/domain/acd/state.ts';
import { percentile, type Figure } from './harness.ts';

const SITES = 20;
const AGENTS_PER_SITE = 250;
const QUEUES_PER_SITE = 10;
const WARM_UP = 20_000;
const DECISIONS = 200_000;

interface Site {
  state: SiteRouting;
  readonly traffic: Traffic;
}

/** decide, then fold its events: one decision, as the partition's owner takes it. */
function take(site: Site, command: AcdCommand): number {
  const decided = decide(command, site.state);
  if ('rejected' in decided) return 0;
  for (const event of decided) site.state = evolve(site.state, asDecodedEvent(event));
  site.traffic.observe(decided);
  return decided.length;
}

/**
 * The baseline: one pass over the site's 250 agents, scoring each for a queue and keeping the best ready
 * one — the least an ACD without indexes does for every decision. The ratio says how many such passes one
 * full decision (events, decision record, fold) costs; above 1, a decision is cheaper than a single scan.
 */
function naiveScan(site: RegisteredSite, queueId: string): string | undefined {
  const queue = site.queues.get(queueId)!;
  let best: string | undefined;
  let bestScore = -1;
  let bestSince = Infinity;
  for (const agent of site.agents.values()) {
    const score = skillScore(agent.skills, queue.requirements);
    if (score === undefined || agent.presence.status !== 'ready') continue;
    if (score > bestScore || (score === bestScore && agent.presence.since < bestSince)) {
      best = agent.agentId;
      bestScore = score;
      bestSince = agent.presence.since;
    }
  }
  return best;
}

export async function routing(): Promise<Figure[]> {
  return [...run('answered as they come', 0.22), ...run('overloaded: calls queue up', 0.3)];
}

function run(load: string, arrivals: number): Figure[] {
  const random = seededRandom(20_250_106).next;
  const start = Date.UTC(2025, 0, 6, 1);
  const sites: Site[] = [];
  for (let s = 0; s < SITES; s++) {
    const shape = { siteId: `site-${s}`, queues: QUEUES_PER_SITE, agents: AGENTS_PER_SITE, skills: 6, start, arrivals };
    const site: Site = { state: initialState, traffic: siteTraffic(shape, random) };
    for (const command of siteSetup(shape, random)) take(site, command);
    sites.push(site);
  }
  for (let i = 0; i < WARM_UP; i++) {
    const site = sites[i % SITES]!;
    take(site, site.traffic.next(site.state as RegisteredSite));
  }

  const times = new Float64Array(DECISIONS);
  let events = 0;
  let engineNs = 0;
  for (let i = 0; i < DECISIONS; i++) {
    const site = sites[i % SITES]!;
    const command = site.traffic.next(site.state as RegisteredSite);
    const t0 = process.hrtime.bigint();
    events += take(site, command);
    const ns = Number(process.hrtime.bigint() - t0);
    times[i] = ns;
    engineNs += ns;
  }

  let baselineNs = 0;
  let found = 0;
  for (let i = 0; i < DECISIONS; i++) {
    const site = sites[i % SITES]!.state as RegisteredSite;
    const t0 = process.hrtime.bigint();
    if (naiveScan(site, `q${i % QUEUES_PER_SITE}`) !== undefined) found++;
    baselineNs += Number(process.hrtime.bigint() - t0);
  }

  const sorted = Array.from(times).sort((a, b) => a - b);
  const perSecond = DECISIONS / (engineNs / 1e9);
  const baselinePerSecond = DECISIONS / (baselineNs / 1e9);
  const us = (ns: number) => `${(ns / 1000).toFixed(1)} µs`;
  const label = `routing ACD, 20 sites × 250 agents × 10 queues, ${load}`;
  const waiting = sites.reduce((n, s) => n + (s.state as RegisteredSite).calls.size, 0);
  return [
    { benchmark: label, figure: 'decisions per second, one core (decide + fold)', value: `${Math.round(perSecond).toLocaleString('en-US')}/s`, note: `${DECISIONS.toLocaleString('en-US')} mixed commands; ${(events / DECISIONS).toFixed(2)} events each; ${waiting} calls in the sites at the end` },
    { benchmark: label, figure: 'decision time p50 / p99 / max', value: `${us(percentile(sorted, 50))} / ${us(percentile(sorted, 99))} / ${us(sorted[sorted.length - 1]!)}` },
    {
      benchmark: label,
      figure: 'baseline: one index-free scan of a site’s 250 agents per decision',
      value: `${Math.round(baselinePerSecond).toLocaleString('en-US')}/s`,
      note: `decisions/s ÷ scans/s = ${(perSecond / baselinePerSecond).toFixed(2)} (a ready agent found in ${Math.round((100 * found) / DECISIONS)}% of scans)`,
    },
  ];
}
