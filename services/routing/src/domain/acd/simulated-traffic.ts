// A seeded stream of plausible commands for one site (calls, answers, no-answers, hang-ups, breaks, the clock), for invariant runs and the benchmark.
import { CustomerTier, type EventMessage } from '@switchboard/contracts';
import type { AcdCommand } from './commands.ts';
import type { RegisteredSite } from './state.ts';

/** A set with a uniformly random pick, both O(1). */
class Bag {
  readonly items: string[] = [];
  readonly index = new Map<string, number>();
  add(item: string): void {
    if (this.index.has(item)) return;
    this.index.set(item, this.items.length);
    this.items.push(item);
  }
  delete(item: string): void {
    const at = this.index.get(item);
    if (at === undefined) return;
    const last = this.items.pop()!;
    if (last !== item) {
      this.items[at] = last;
      this.index.set(last, at);
    }
    this.index.delete(item);
  }
  pick(random: () => number): string | undefined {
    return this.items[Math.floor(random() * this.items.length)];
  }
}

export interface SiteShape {
  readonly siteId: string;
  readonly queues: number;
  readonly agents: number;
  readonly skills: number;
  readonly start: number;
  /** Share of commands that are new calls; the default, 0.22, is a little below what the agents can answer. */
  readonly arrivals?: number;
}

/** Registers the site, its queues (each overflowing to the next, then headquarters) and its agents, all ready. */
export function siteSetup(shape: SiteShape, random: () => number): AcdCommand[] {
  const { siteId, start } = shape;
  const commands: AcdCommand[] = [{ type: 'RegisterSite', siteId, name: siteId, city: siteId, timezone: 'Asia/Shanghai', isHeadquarters: false }];
  for (let q = 0; q < shape.queues; q++) {
    commands.push({
      type: 'DefineQueue',
      queueId: `q${q}`,
      name: `queue ${q}`,
      requiredSkills: [{ skill: `s${q % shape.skills}`, minLevel: 1 + Math.floor(random() * 3) }],
      overflowThresholdMs: 120_000,
      overflowChain: [
        { siteId, queueId: `q${(q + 1) % shape.queues}` },
        { siteId: 'hq', queueId: 'general' },
      ],
      wrapUpMs: q % 2 === 0 ? 10_000 : 0,
    });
  }
  for (let a = 0; a < shape.agents; a++) {
    const agentId = `${siteId}-a${a}`;
    const skills = new Map<string, number>();
    while (skills.size < Math.min(3, shape.skills)) skills.set(`s${Math.floor(random() * shape.skills)}`, 1 + Math.floor(random() * 10));
    commands.push({ type: 'RegisterAgent', agentId, name: agentId, skills: [...skills].map(([skill, level]) => ({ skill, level })) });
    commands.push({ type: 'LogIn', agentId, at: start }, { type: 'GoReady', agentId, at: start });
  }
  return commands;
}

export interface Traffic {
  /** The next command, given the site as it is now; the clock moves forward a little each time. */
  readonly next: (site: RegisteredSite) => AcdCommand;
  /** Tells the traffic what the site decided, so its callers and agents react to it. */
  readonly observe: (events: readonly EventMessage[]) => void;
  readonly now: () => number;
}

export function siteTraffic(shape: SiteShape, random: () => number): Traffic {
  let now = shape.start;
  const arrivals = shape.arrivals ?? 0.22;
  let calls = 0;
  const waiting = new Bag();
  const offered = new Bag();
  const connected = new Bag();
  const agents = { ready: new Bag(), notReady: new Bag(), wrapUp: new Bag(), loggedOut: new Bag() };
  const agentBags = Object.values(agents);
  const tiers = [CustomerTier.PLATINUM, CustomerTier.GOLD, CustomerTier.GOLD, CustomerTier.NORMAL, CustomerTier.NORMAL, CustomerTier.NORMAL, CustomerTier.NORMAL];

  const newCall = (): AcdCommand => {
    const callId = `${shape.siteId}-c${calls++}`;
    const named = random() < 0.05 ? `${shape.siteId}-a${Math.floor(random() * shape.agents)}` : undefined;
    return {
      type: 'QueueCall',
      callId,
      queueId: `q${Math.floor(random() * shape.queues)}`,
      tier: tiers[Math.floor(random() * tiers.length)]!,
      urgency: Math.floor(random() * 20),
      ...(named === undefined ? {} : { preferredAgentId: named, preferredTimeoutMs: 20_000 }),
      at: now,
    };
  };

  const next = (site: RegisteredSite): AcdCommand => {
    now += Math.floor(random() * 400);
    const r = random();
    if (r < arrivals) return newCall();
    if (r < arrivals + 0.28) {
      const callId = offered.pick(random);
      const call = callId === undefined ? undefined : site.calls.get(callId);
      if (call?.phase.status === 'offered') {
        const agentId = call.phase.agentId;
        const s = random();
        if (s < 0.88) return { type: 'AcceptOffer', callId: call.callId, agentId, at: now };
        if (s < 0.97) return { type: 'RecordNoAnswer', callId: call.callId, agentId, at: now };
        return { type: 'AbandonCall', callId: call.callId, at: now };
      }
    } else if (r < 0.8) {
      const callId = connected.pick(random);
      if (callId !== undefined) return { type: 'EndCall', callId, callbackOutcome: random() < 0.8 ? 'reached' : 'not-reached', at: now };
    } else if (r < 0.83) {
      const callId = waiting.pick(random);
      if (callId !== undefined) return { type: 'AbandonCall', callId, at: now };
    } else if (r < 0.85) {
      const callId = waiting.pick(random);
      if (callId !== undefined) return { type: 'ScheduleCallback', callId, callbackNumber: '+8675512345678', at: now };
    } else if (r < 0.9) {
      const agentId = agents.notReady.pick(random);
      if (agentId !== undefined) return { type: 'GoReady', agentId, at: now };
    } else if (r < 0.915) {
      const agentId = agents.ready.pick(random);
      if (agentId !== undefined) return { type: 'GoNotReady', agentId, reason: 'break', at: now };
    } else if (r < 0.92) {
      const agentId = agents.ready.pick(random) ?? agents.notReady.pick(random);
      if (agentId !== undefined) return { type: 'LogOut', agentId, at: now };
    } else if (r < 0.93) {
      const agentId = agents.loggedOut.pick(random);
      if (agentId !== undefined) return { type: 'LogIn', agentId, at: now };
    } else if (r < 0.94) {
      const agentId = agents.wrapUp.pick(random);
      if (agentId !== undefined) return { type: 'FinishWrapUp', agentId, at: now };
    }
    return { type: 'Tick', at: now };
  };

  const observe = (events: readonly EventMessage[]): void => {
    for (const e of events) {
      switch (e.$typeName) {
        case 'switchboard.routing.v1.CallQueued':
        case 'switchboard.routing.v1.CallRequeued':
          waiting.add(e.callId);
          offered.delete(e.callId);
          break;
        case 'switchboard.routing.v1.CallbackScheduled':
          waiting.delete(e.callId);
          break;
        case 'switchboard.routing.v1.CallOffered':
        case 'switchboard.routing.v1.CallbackOffered':
          waiting.delete(e.callId);
          offered.add(e.callId);
          break;
        case 'switchboard.routing.v1.OfferAccepted':
          offered.delete(e.callId);
          connected.add(e.callId);
          break;
        case 'switchboard.routing.v1.CallOverflowed':
        case 'switchboard.routing.v1.CallAbandoned':
        case 'switchboard.routing.v1.CallCompleted':
          for (const bag of [waiting, offered, connected]) bag.delete(e.callId);
          break;
        case 'switchboard.routing.v1.AgentStateChanged': {
          for (const bag of agentBags) bag.delete(e.agentId);
          const bag = [undefined, agents.loggedOut, agents.ready, undefined, undefined, agents.wrapUp, agents.notReady][e.state];
          bag?.add(e.agentId);
          break;
        }
        default:
          break;
      }
    }
  };

  return { next, observe, now: () => now };
}
