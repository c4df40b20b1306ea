// The traffic model, pure and seeded: when calls arrive (Poisson, shaped by the hour), who calls, what they want, how patient they are, how long they talk; and how each virtual agent behaves.
import type { SampleNetwork } from './network.ts';
import { parcelDay, volumeAt } from './profile.ts';
import { seededRandom, type Random } from './random.ts';

export type Tier = 'platinum' | 'gold' | 'normal';
/** What the caller came for: track a waybill themselves, book a pickup, talk to an agent, or be called back. */
export type Intent = 'self-service' | 'pickup' | 'agent' | 'callback';
/** The caller's answer to the post-call survey. */
export type SurveyAnswer = 'satisfied' | 'neutral' | 'dissatisfied';
/** What happens after an answered call: no survey, a survey the caller leaves unanswered, or their answer. */
export type SurveyPlan = 'none' | 'no-answer' | SurveyAnswer;

export interface Caller {
  readonly number: string;
  /** The site whose region the number belongs to (headquarters for numbers of no configured region). */
  readonly homeSiteId: string;
  readonly tier: Tier;
}

export interface CallPlan {
  readonly seq: number;
  /** Milliseconds after the start of the run. */
  readonly atMs: number;
  readonly switchCallRef: string;
  readonly caller: Caller;
  /** The caller called before in this run. */
  readonly repeat: boolean;
  readonly intent: Intent;
  readonly waybill: string;
  /** How long the caller waits for an agent before hanging up. */
  readonly patienceMs: number;
  readonly talkMs: number;
  /** Put on hold part-way through the talk, for a while. */
  readonly hold: { readonly afterMs: number; readonly forMs: number } | undefined;
  /** The agent hands the call to the complaints queue at the end of the talk. */
  readonly transfer: boolean;
  /** A callback's dial-back finds the caller. */
  readonly callbackReached: boolean;
  /** The switch's post-call survey, should an agent answer the call. */
  readonly survey: SurveyPlan;
}

/** Every duration in seconds of a run at speed 1; `speed` divides them all. */
export interface Behaviour {
  readonly patienceMeanS: number;
  readonly talkMeanS: number;
  readonly answerDelayMeanS: number;
  /** How long the switch rings an agent before it reports no answer. */
  readonly ringTimeoutS: number;
  readonly noAnswerP: number;
  readonly holdP: number;
  readonly holdMeanS: number;
  readonly transferP: number;
  readonly wrapUpMeanS: number;
  /** After a call, the chance an agent takes a break. */
  readonly breakP: number;
  readonly breakMeanS: number;
  readonly intents: Readonly<Record<Intent, number>>;
  readonly tiers: Readonly<Record<Tier, number>>;
  readonly repeatCallerP: number;
  readonly callbackReachedP: number;
  /** Share of callers from numbers of no configured region (mobiles): the dial plan's default site takes them. */
  readonly outOfRegionP: number;
  /** After an answered call, the chance the switch offers its survey; then the chance the caller answers it, and how. */
  readonly surveyP: number;
  readonly surveyAnswerP: number;
  readonly surveyAnswers: Readonly<Record<SurveyAnswer, number>>;
}

export const defaultBehaviour: Behaviour = {
  patienceMeanS: 45,
  talkMeanS: 25,
  answerDelayMeanS: 2,
  ringTimeoutS: 8,
  noAnswerP: 0.04,
  holdP: 0.15,
  holdMeanS: 5,
  transferP: 0.05,
  wrapUpMeanS: 4,
  breakP: 0.04,
  breakMeanS: 20,
  intents: { 'self-service': 0.25, pickup: 0.2, agent: 0.47, callback: 0.08 },
  tiers: { platinum: 0.03, gold: 0.12, normal: 0.85 },
  repeatCallerP: 0.2,
  callbackReachedP: 0.85,
  outOfRegionP: 0.1,
  surveyP: 0.6,
  surveyAnswerP: 0.7,
  // The source document's answers: 619 satisfied, 267 neutral, 310 dissatisfied of 1,196 (docs/metrics.md).
  surveyAnswers: { satisfied: 619, neutral: 267, dissatisfied: 310 },
};

export interface TrafficOptions {
  readonly seed: number;
  /** Calls per second at the start hour; the day's profile shapes it from there. */
  readonly ratePerSecond: number;
  /** Durations divide by this: 2 runs twice as fast as life. */
  readonly speed?: number;
  /** The hour of day the run starts at (0–24), for the profile; by default 10:00, a busy morning hour. */
  readonly startHour?: number;
  /** Relative volume per hour; a parcel company's day by default. */
  readonly profile?: readonly number[];
  readonly behaviour?: Partial<Behaviour>;
}

export interface AgentBehaviour {
  /** For the next offer: ring-out, or answer after a delay. */
  nextOffer(): { readonly answers: boolean; readonly delayMs: number };
  /** After a call: wrap-up time, and a break (or none). */
  afterCall(): { readonly wrapUpMs: number; readonly breakMs: number | undefined };
}

export interface TrafficModel {
  readonly behaviour: Behaviour;
  readonly speed: number;
  /** The next call, in arrival order; the stream depends on the seed and options alone. */
  nextCall(): CallPlan;
  /** A population to register up front (the first callers, each with a tier). */
  population(): readonly Caller[];
  agent(agentId: string): AgentBehaviour;
  /** Expected calls per second at `ms` after the start. */
  rateAt(ms: number): number;
}

const POPULATION = 2_000;

export function trafficModel(network: SampleNetwork, options: TrafficOptions): TrafficModel {
  const behaviour: Behaviour = { ...defaultBehaviour, ...options.behaviour };
  const speed = options.speed ?? 1;
  const profile = options.profile ?? parcelDay;
  const startHour = options.startHour ?? 10;
  const root = seededRandom(options.seed);
  const arrivals = root.fork('arrivals');
  const calls = root.fork('calls');
  const people = root.fork('population');
  // Its own stream, so the surveys' draws never shift the calls' (the same seed, the same traffic as before).
  const surveys = root.fork('surveys');
  const surveyPlan = (): SurveyPlan => {
    if (!surveys.chance(behaviour.surveyP)) return 'none';
    return surveys.chance(behaviour.surveyAnswerP) ? surveys.weighted(behaviour.surveyAnswers) : 'no-answer';
  };
  const scaled = (seconds: number) => Math.max(1, Math.round((seconds * 1000) / speed));

  const base = volumeAt(profile, startHour);
  // The profile follows the run's clock: one hour of run is one hour of the day at speed 1.
  const rateAt = (ms: number) => (options.ratePerSecond * volumeAt(profile, startHour + (ms * speed) / 3_600_000)) / base;
  const peak = (options.ratePerSecond * Math.max(...profile)) / base;

  const weights = Object.fromEntries(network.sites.map((s) => [s.siteId, s.weight])) as Record<string, number>;
  const hq = network.sites[0]!.siteId;
  const makeCaller = (): Caller => {
    const outOfRegion = people.chance(behaviour.outOfRegionP);
    const siteId = outOfRegion ? hq : people.weighted(weights);
    const prefix = outOfRegion ? '+86139' : network.sites.find((s) => s.siteId === siteId)!.prefix;
    // Chinese numbers: +86 then 11 digits.
    let number = prefix;
    while (number.length < 14) number += String(people.int(10));
    return { number, homeSiteId: siteId, tier: people.weighted(behaviour.tiers) };
  };
  const known: Caller[] = Array.from({ length: POPULATION }, makeCaller);
  let fresh = 0;
  const called: Caller[] = [];

  let clockMs = 0;
  let seq = 0;
  const nextArrivalMs = () => {
    // Thinning (Lewis–Shedler): candidate events at the peak rate, each kept with the ratio of the rate then to the peak.
    for (;;) {
      clockMs += arrivals.exponential(1000 / peak);
      if (arrivals.next() * peak <= rateAt(clockMs)) return clockMs;
    }
  };

  const agents = new Map<string, AgentBehaviour>();
  return {
    behaviour,
    speed,
    rateAt,
    population: () => known,
    nextCall() {
      const atMs = nextArrivalMs();
      const repeat = called.length > 0 && calls.chance(behaviour.repeatCallerP);
      const caller = repeat ? calls.pick(called) : (known[fresh++] ?? makeCaller());
      if (!repeat) called.push(caller);
      const talkMs = scaled(calls.logNormal(behaviour.talkMeanS, 0.6));
      const hold = calls.chance(behaviour.holdP) ? { afterMs: Math.round(talkMs * calls.next() * 0.8), forMs: scaled(calls.exponential(behaviour.holdMeanS)) } : undefined;
      const n = seq++;
      return {
        seq: n,
        atMs: Math.round(atMs),
        switchCallRef: `sim-${options.seed}-${n}`,
        caller,
        repeat,
        intent: calls.weighted(behaviour.intents),
        waybill: String(100_000_000_000 + calls.int(900_000_000_000)),
        patienceMs: scaled(calls.exponential(behaviour.patienceMeanS)),
        talkMs,
        hold,
        transfer: calls.chance(behaviour.transferP),
        callbackReached: calls.chance(behaviour.callbackReachedP),
        survey: surveyPlan(),
      };
    },
    agent(agentId) {
      const existing = agents.get(agentId);
      if (existing) return existing;
      const r = root.fork(`agent:${agentId}`);
      const made: AgentBehaviour = {
        nextOffer: () => {
          const answers = !r.chance(behaviour.noAnswerP);
          return { answers, delayMs: answers ? Math.min(scaled(r.logNormal(behaviour.answerDelayMeanS, 0.5)), scaled(behaviour.ringTimeoutS) - 1) : scaled(behaviour.ringTimeoutS) };
        },
        afterCall: () => ({ wrapUpMs: scaled(r.logNormal(behaviour.wrapUpMeanS, 0.5)), breakMs: r.chance(behaviour.breakP) ? scaled(r.exponential(behaviour.breakMeanS)) : undefined }),
      };
      agents.set(agentId, made);
      return made;
    },
  };
}
