// A site restored from a snapshot is the site folded from its log: indexes, their order and shared objects, and every decision after.
import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { asDecodedEvent, CallOfferedSchema, type EventMessage } from '@switchboard/contracts';
import { seededRandom } from '@switchboard/simulator';
import type { AcdCommand } from './commands.ts';
import { decide } from './decide.ts';
import { evolve } from './evolve.ts';
import { recordOffer, type OfferRecord } from './offer-records.ts';
import { siteSetup, siteTraffic, type SiteShape } from './simulated-traffic.ts';
import { fromSnapshot, SiteSnapshotMismatch, toSnapshot, type RegisteredSiteSnapshot, type SiteSnapshot } from './snapshot.ts';
import { initialState, type RegisteredSite, type SiteRouting } from './state.ts';

/** A site as the desk holds it: the routing state and each agent's last offer. */
interface Held {
  state: SiteRouting;
  readonly offers: Map<string, OfferRecord>;
}

function fold(site: Held, events: readonly EventMessage[]): void {
  for (const e of events) {
    const event = asDecodedEvent(e);
    site.state = evolve(site.state, event);
    recordOffer(site.offers, event);
  }
}

/** The snapshot as it comes back from a jsonb column: JSON, with every object's keys in jsonb's order (shortest first). */
function stored(snapshot: SiteSnapshot): unknown {
  return JSON.parse(JSON.stringify(snapshot), (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  );
}

const registered = (site: Held): RegisteredSite => {
  if (site.state.status !== 'registered') throw new Error('the site is not registered');
  return site.state;
};

/**
 * The orders toEqual does not see (it compares maps and sets as contents): the ones a decision reads (the ready agents of
 * a score, longest idle first; an agent's queues, which a logout overflows in turn) and the ones views list.
 * The named-agent index is compared as sets only: it is read whole, for the best call in it.
 */
function ordersOf(site: RegisteredSite) {
  return {
    agents: [...site.agents.keys()],
    queues: [...site.queues.keys()],
    calls: [...site.calls.keys()],
    eligibility: [...site.agents.values()].map((a) => [a.agentId, ...a.eligibility.keys()]),
    skills: [...site.agents.values()].map((a) => [a.agentId, ...a.skills.keys()]),
    ready: [...site.queues.values()].map((q) => [q.queueId, ...[...q.readyByScore].map(([score, tier]) => [score, ...tier.keys()])]),
  };
}

/** The same site, indexes included, down to their order and to which objects the indexes share. */
function expectSameSite(actual: Held, expected: Held, where: string): void {
  expect(actual.state, where).toStrictEqual(expected.state);
  expect(actual.offers, where).toStrictEqual(expected.offers);
  expect([...actual.offers.keys()], where).toEqual([...expected.offers.keys()]);
  if (expected.state.status !== 'registered') return;
  const site = registered(actual);
  expect(ordersOf(site), where).toEqual(ordersOf(expected.state));
  for (const queue of site.queues.values()) {
    for (const tier of queue.readyByScore.values()) for (const [agentId, agent] of tier) expect(agent === site.agents.get(agentId), `${where}: ready ${agentId} is the site's agent`).toBe(true);
    for (const call of queue.waiting) expect(call === site.calls.get(call.callId), `${where}: waiting ${call.callId} is the site's call`).toBe(true);
  }
}

/**
 * The simulated traffic, overloaded and quiet by turns (long lines, then many idle agents in the ready index), with now
 * and then an agent re-registered with other skills or a queue asking for another level.
 */
function trafficWithChanges(shape: SiteShape, random: () => number) {
  const traffic = siteTraffic(shape, random);
  let step = 0;
  const next = (site: RegisteredSite): AcdCommand => {
    const quiet = Math.floor(step++ / 1_000) % 2 === 1;
    const r = random();
    if (r < 0.005) {
      const agentId = `${shape.siteId}-a${Math.floor(random() * shape.agents)}`;
      const skills = new Map<string, number>();
      while (skills.size < 1 + Math.floor(random() * 3)) skills.set(`s${Math.floor(random() * shape.skills)}`, 1 + Math.floor(random() * 10));
      return { type: 'RegisterAgent', agentId, name: agentId, skills: [...skills].map(([skill, level]) => ({ skill, level })) };
    }
    if (r < 0.008) {
      const queue = site.queues.get(`q${Math.floor(random() * shape.queues)}`)!;
      const requiredSkills = queue.requirements.map((q) => ({ skill: q.skill, minLevel: 1 + Math.floor(random() * 5) }));
      return { type: 'DefineQueue', queueId: queue.queueId, name: queue.name, requiredSkills, overflowThresholdMs: queue.overflowThresholdMs, overflowChain: queue.overflowChain, wrapUpMs: queue.wrapUpMs };
    }
    const command = traffic.next(site);
    return quiet && command.type === 'QueueCall' && random() < 0.7 ? { type: 'Tick', at: command.at } : command;
  };
  return { next, observe: traffic.observe };
}

/** A seeded run of a site, each command with what was decided, and the stored snapshot taken before `cuts` of them. */
function recordedRun(seed: number, steps: number, cuts: number) {
  const random = seededRandom(seed).next;
  const shape: SiteShape = { siteId: 'sz', queues: 5, agents: 30, skills: 4, start: Date.UTC(2025, 0, 6), arrivals: 0.3 };
  const setup = siteSetup(shape, random);
  const traffic = trafficWithChanges(shape, random);
  // One cut in the setup and one in each busy or quiet stretch of the traffic.
  const cutAt = new Set(Array.from({ length: cuts }, (_, k) => (k === 0 ? Math.floor(random() * setup.length) : setup.length + (k - 1) * 1_000 + Math.floor(random() * 1_000))));
  const site: Held = { state: initialState, offers: new Map() };
  const commands: AcdCommand[] = [];
  const decisions: ReturnType<typeof decide>[] = [];
  const log: EventMessage[] = [];
  const snapshots: { readonly before: number; readonly stored: unknown; readonly logLength: number }[] = [];
  const take = (command: AcdCommand) => {
    if (cutAt.has(commands.length)) snapshots.push({ before: commands.length, stored: stored(toSnapshot(site.state, site.offers)), logLength: log.length });
    const decided = decide(command, site.state);
    commands.push(command);
    decisions.push(decided);
    if ('rejected' in decided) return;
    fold(site, decided);
    log.push(...decided);
    traffic.observe(decided);
  };
  for (const command of setup) take(command);
  for (let i = 0; i < steps; i++) take(traffic.next(registered(site)));
  return { commands, decisions, log, snapshots, final: site };
}

describe('a site restored from a snapshot', () => {
  for (const seed of [3, 11, 2025]) {
    it(`is the site folded from the log, and decides and folds on exactly as it would have (seed ${seed})`, () => {
      const run = recordedRun(seed, 6_000, 7);
      expect(run.snapshots.length).toBe(7);
      // The run reaches what a snapshot must carry: callbacks, calls for a named agent, wrap-ups, agents re-registered.
      const types = new Set(run.log.map((e) => e.$typeName.slice(e.$typeName.lastIndexOf('.') + 1)));
      for (const type of ['CallbackScheduled', 'PreferredAgentTimedOut', 'CallOverflowed', 'OfferNotAnswered', 'CallCompleted']) expect(types).toContain(type);
      expect(run.log.filter((e) => e.$typeName === 'switchboard.routing.v1.AgentRegistered').length).toBeGreaterThan(30);
      // And snapshots with several agents ready at one score, whose order is the ready index's whole point.
      const tiers = run.snapshots.flatMap(({ stored }) => (stored as RegisteredSiteSnapshot).queues?.flatMap((q) => q.ready) ?? []);
      expect(tiers.filter((t) => t.length > 1).length).toBeGreaterThan(5);

      for (const { before, stored, logLength } of run.snapshots) {
        const where = `snapshot before command ${before}`;
        const restored: Held = fromSnapshot(stored);
        const folded: Held = { state: initialState, offers: new Map() };
        fold(folded, run.log.slice(0, logLength));
        expectSameSite(restored, folded, where);

        for (let i = before; i < run.commands.length; i++) {
          const decided = decide(run.commands[i]!, restored.state);
          expect(decided, `${where}: command ${i} (${run.commands[i]!.type})`).toStrictEqual(run.decisions[i]);
          if (!('rejected' in decided)) fold(restored, decided);
        }
        expectSameSite(restored, run.final, `${where}, at the end`);
      }
    });
  }

  it('keeps an offer to the nanosecond, and an unregistered site as unregistered', () => {
    const offers = new Map<string, OfferRecord>([
      ['li-na', { kind: 'call', message: create(CallOfferedSchema, { siteId: 'sz', callId: 'c1', queueId: 'q0', agentId: 'li-na', offeredAt: { seconds: 1_767_225_600n, nanos: 123_456_789 } }) }],
    ]);
    const site: Held = { state: initialState, offers: new Map() };
    fold(site, decideAll([{ type: 'RegisterSite', siteId: 'sz', name: 'Shenzhen', city: 'Shenzhen', timezone: 'Asia/Shanghai', isHeadquarters: false }], site));
    const restored = fromSnapshot(stored(toSnapshot(site.state, offers)));
    expect(restored.offers).toStrictEqual(offers);
    expect(fromSnapshot(stored(toSnapshot(initialState, new Map())))).toStrictEqual({ state: initialState, offers: new Map() });
  });

  it('is refused when the snapshot contradicts itself (an agent indexed ready who is not)', () => {
    const run = recordedRun(5, 300, 0);
    const snapshot = stored(toSnapshot(run.final.state, run.final.offers)) as RegisteredSiteSnapshot;
    const queue = snapshot.queues.find((q) => q.ready.length > 0)!;
    const agentId = queue.ready[0]![0]!;
    const agents = snapshot.agents.map((a) => (a.agentId === agentId ? { ...a, presence: { status: 'not-ready' as const, since: 0, reason: 'break' } } : a));
    expect(() => fromSnapshot({ ...snapshot, agents })).toThrow(SiteSnapshotMismatch);
  });
});

function decideAll(commands: readonly AcdCommand[], site: Held): EventMessage[] {
  return commands.flatMap((c) => {
    const decided = decide(c, site.state);
    if ('rejected' in decided) throw new Error(decided.rejected.message);
    return [...decided];
  });
}
