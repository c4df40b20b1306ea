// The traffic model: the same seed gives the same traffic; arrivals, callers and durations come out as configured.
import { describe, expect, it } from 'vitest';
import { digitsFor, dialPlan, flatDay, parcelDay, sampleNetwork, seededRandom, trafficModel, type CallPlan, Tally, countsAddUp } from '../src/index.ts';

const network = sampleNetwork({ sites: 6, agentsPerSite: 5 }, seededRandom(1));
const calls = (seed: number, n: number, rate = 5, profile = flatDay): CallPlan[] => {
  const model = trafficModel(network, { seed, ratePerSecond: rate, profile });
  return Array.from({ length: n }, () => model.nextCall());
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('the traffic model', () => {
  it('replays exactly from its seed, and differs with another', () => {
    expect(calls(42, 500)).toEqual(calls(42, 500));
    expect(calls(43, 50)).not.toEqual(calls(42, 50));
    const a = trafficModel(network, { seed: 7, ratePerSecond: 1 }).agent('sim-shanghai-001');
    const b = trafficModel(network, { seed: 7, ratePerSecond: 1 }).agent('sim-shanghai-001');
    expect([a.nextOffer(), a.afterCall(), a.nextOffer()]).toEqual([b.nextOffer(), b.afterCall(), b.nextOffer()]);
  });

  it('arrives as a Poisson process at the asked rate: about rate × time calls, exponential gaps', () => {
    const plans = calls(3, 20_000, 5);
    const seconds = plans.at(-1)!.atMs / 1000;
    expect(plans.length / seconds).toBeGreaterThan(4.8);
    expect(plans.length / seconds).toBeLessThan(5.2);
    const gaps = plans.slice(1).map((p, i) => p.atMs - plans[i]!.atMs);
    // An exponential's standard deviation equals its mean (200 ms at 5 calls/s).
    const m = mean(gaps);
    const sd = Math.sqrt(mean(gaps.map((g) => (g - m) ** 2)));
    expect(sd / m).toBeGreaterThan(0.9);
    expect(sd / m).toBeLessThan(1.1);
  });

  it('follows the day: the 03:00 hour gets a small fraction of the 10:00 hour', () => {
    const model = trafficModel(network, { seed: 1, ratePerSecond: 10, profile: parcelDay, startHour: 10 });
    expect(model.rateAt(0)).toBeCloseTo(10);
    expect(model.rateAt(17 * 3_600_000)).toBeLessThan(0.5);
    const night = trafficModel(network, { seed: 1, ratePerSecond: 10, profile: parcelDay, startHour: 3, speed: 3600 });
    // At speed 3600 a second of run is an hour of day: arrivals thin out at night and swell by mid-morning.
    const plans = Array.from({ length: 3000 }, () => night.nextCall());
    const firstSecond = plans.filter((p) => p.atMs < 1000).length;
    const seventhSecond = plans.filter((p) => p.atMs >= 6000 && p.atMs < 7000).length;
    expect(seventhSecond).toBeGreaterThan(firstSecond * 5);
  });

  it('draws callers from the cities of the dial plan, with tiers and repeat callers in the set proportions', () => {
    const plans = calls(11, 10_000);
    const prefixes = dialPlan(network).regions;
    for (const p of plans.slice(0, 500)) {
      const region = prefixes.find((r) => p.caller.number.startsWith(r.prefix));
      expect(region?.siteId ?? network.sites[0]!.siteId).toBe(p.caller.homeSiteId);
      expect(p.caller.number).toMatch(/^\+86[0-9]{11}$/);
    }
    const share = (f: (p: CallPlan) => boolean) => plans.filter(f).length / plans.length;
    expect(share((p) => p.repeat)).toBeCloseTo(0.2, 1);
    expect(share((p) => p.caller.tier === 'gold')).toBeCloseTo(0.12, 1);
    expect(share((p) => p.intent === 'self-service')).toBeCloseTo(0.25, 1);
    expect(share((p) => p.intent === 'callback')).toBeCloseTo(0.08, 1);
    expect(share((p) => p.caller.homeSiteId === 'shanghai')).toBeGreaterThan(share((p) => p.caller.homeSiteId === 'chengdu'));
  });

  it('gives talk and patience their means, scaled by the speed', () => {
    const plans = calls(5, 20_000);
    expect(mean(plans.map((p) => p.talkMs)) / 1000).toBeCloseTo(25, -0.5);
    expect(mean(plans.map((p) => p.patienceMs)) / 1000).toBeCloseTo(45, -0.5);
    const fast = trafficModel(network, { seed: 5, ratePerSecond: 5, profile: flatDay, speed: 5 });
    const fastPlans = Array.from({ length: 20_000 }, () => fast.nextCall());
    expect(mean(fastPlans.map((p) => p.talkMs)) / 1000).toBeCloseTo(5, 0);
  });

  it('offers a survey after a share of calls, answered in the source document’s 619/267/310 shape, drawn apart from the calls', () => {
    const plans = calls(13, 20_000);
    const share = (f: (p: CallPlan) => boolean, of: CallPlan[] = plans) => of.filter(f).length / of.length;
    const offered = plans.filter((p) => p.survey !== 'none');
    expect(share((p) => p.survey !== 'none')).toBeCloseTo(0.6, 1);
    expect(share((p) => p.survey !== 'no-answer', offered)).toBeCloseTo(0.7, 1);
    const answered = offered.filter((p) => p.survey !== 'no-answer');
    expect(share((p) => p.survey === 'satisfied', answered)).toBeCloseTo(619 / 1196, 1);
    expect(share((p) => p.survey === 'neutral', answered)).toBeCloseTo(267 / 1196, 1);
    expect(share((p) => p.survey === 'dissatisfied', answered)).toBeCloseTo(310 / 1196, 1);
    // Other survey settings change the surveys and nothing else of the traffic.
    const model = trafficModel(network, { seed: 13, ratePerSecond: 5, profile: flatDay, behaviour: { surveyP: 1, surveyAnswers: { satisfied: 0, neutral: 0, dissatisfied: 1 } } });
    const other = Array.from({ length: 500 }, () => model.nextCall());
    expect(other.map(({ survey: _, ...rest }) => rest)).toEqual(plans.slice(0, 500).map(({ survey: _, ...rest }) => rest));
    expect(new Set(other.map((p) => p.survey))).toEqual(new Set(['dissatisfied', 'no-answer']));
  });

  it('keys through the IVR as the caller wants: tracking, pickup, an agent, or a callback', () => {
    const plan = calls(1, 1)[0]!;
    expect(digitsFor({ ...plan, intent: 'self-service' }, 0)).toBe('2');
    expect(digitsFor({ ...plan, intent: 'self-service' }, 1)).toBe(`${plan.waybill}#`);
    expect(digitsFor({ ...plan, intent: 'self-service' }, 2)).toBeUndefined();
    expect(digitsFor({ ...plan, intent: 'pickup' }, 0)).toBe('1');
    expect([digitsFor({ ...plan, intent: 'callback' }, 0), digitsFor({ ...plan, intent: 'callback' }, 1)]).toEqual(['0', '1']);
    expect(digitsFor({ ...plan, intent: 'agent' }, 1)).toBe('');
  });
});

describe('the tally', () => {
  it('gives each call one outcome, says when counts add up, and catches a call or agent engaged twice', () => {
    const tally = new Tally();
    for (let i = 0; i < 3; i++) tally.arrived();
    tally.engage('c1', 'a1', 10);
    tally.engage('c2', 'a1', 10);
    tally.settle('c1', 'answered');
    tally.settle('c1', 'abandoned');
    tally.settle('c2', 'callback-pending');
    tally.settle('c2', 'callback-reached');
    expect(countsAddUp(tally.snapshot())).toBe(false);
    tally.settle('c3', 'self-served');
    const s = tally.snapshot();
    expect(countsAddUp(s)).toBe(true);
    expect(s.outcomes).toMatchObject({ answered: 1, 'callback-reached': 1, 'callback-pending': 0, 'self-served': 1 });
    expect(s.violations).toEqual(['agent a1 offered call c2 while holding c1', 'call c1 ended twice: answered, then abandoned']);
  });
});
