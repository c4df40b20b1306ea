// Erlang C and Erlang A against published figures, limits the models must meet, and a simulation.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '@switchboard/simulator';
import { agentsNeeded, agentsToSchedule, erlangB, erlangC, queueFigures, type QueueLoad } from './erlang.ts';

/** Call Centre Helper, "Erlang C Formula – Made Simple With an Easy Worked Example": 100 calls per 30 minutes, AHT 180 s, 80 % in 20 s. */
const helperExample: QueueLoad = { arrivalsPerSecond: 100 / 1800, ahtSeconds: 180, targetSeconds: 20 };

/** Erlang C by its textbook formula, with factorials: fine for small N, as an independent check. */
function erlangCByFactorials(n: number, a: number): number {
  let factorial = 1;
  let sum = 0;
  for (let k = 0; k < n; k++) {
    if (k > 0) factorial *= k;
    sum += a ** k / factorial;
  }
  const top = (a ** n / (factorial * n)) * (n / (n - a));
  return top / (sum + top);
}

describe('Erlang B and C against published tables', () => {
  it('gives the Erlang B table entries 5 lines at 2 E (0.0367) and 10 lines at 10 E (0.2146)', () => {
    // Any Erlang B table, e.g. Iversen, "Teletraffic Engineering and Network Planning" (DTU), table of E_n(A).
    expect(erlangB(5, 2)).toBeCloseTo(0.0367, 4);
    expect(erlangB(10, 10)).toBeCloseTo(0.2146, 4);
  });

  it('reproduces the Call Centre Helper worked example: 10 Erlangs, 11 agents wait 68.21 %, 14 agents reach 80/20, 20 scheduled with 30 % shrinkage', () => {
    const eleven = queueFigures(helperExample, 11);
    expect(eleven.trafficErlangs).toBeCloseTo(10, 10);
    expect(eleven.probabilityOfWaiting).toBeCloseTo(0.6821, 4);
    // SL = 1 − 0.6821 · e^{−(11−10)·20/180} = 0.3896, checked by hand.
    expect(eleven.serviceLevel).toBeCloseTo(0.3896, 4);
    const needed = agentsNeeded(helperExample, { serviceLevel: 0.8, maxOccupancy: 0.85 });
    expect(needed.agents).toBe(14);
    expect(needed.serviceLevel).toBeCloseTo(0.8884, 4);
    expect(needed.occupancy).toBeCloseTo(10 / 14, 10);
    expect(agentsToSchedule(needed.agents, 0.3)).toBe(20);
    // 13 agents fall just short: 79.56 %.
    expect(queueFigures(helperExample, 13).serviceLevel).toBeCloseTo(0.7956, 4);
  });

  it('agrees with the factorial formula wherever that one can be computed', () => {
    for (const [n, a] of [[2, 1], [11, 10], [25, 20.5], [60, 50]] as const) {
      expect(erlangC(n, a)).toBeCloseTo(erlangCByFactorials(n, a), 12);
    }
  });

  it('stays finite for a thousand agents, where factorials overflow, and matches the Halfin–Whitt approximation', () => {
    const a = 1000;
    const n = 1050;
    const c = erlangC(n, a);
    const beta = (n - a) / Math.sqrt(a);
    const phi = Math.exp(-(beta ** 2) / 2) / Math.sqrt(2 * Math.PI);
    const halfinWhitt = 1 / (1 + (beta * normalCdf(beta)) / phi);
    expect(c).toBeGreaterThan(0);
    expect(Math.abs(c - halfinWhitt)).toBeLessThan(0.02);
    const big = agentsNeeded({ arrivalsPerSecond: 1000 / 180, ahtSeconds: 180, targetSeconds: 20 }, { serviceLevel: 0.8 });
    expect(big.agents).toBeGreaterThan(1000);
    expect(big.agents).toBeLessThan(1000 + 2 * Math.sqrt(1000));
  });

  it('answers more calls within T, sooner, with each agent added, and never with fewer agents than Erlangs', () => {
    let previous = queueFigures(helperExample, 11);
    for (let n = 12; n <= 20; n++) {
      const next = queueFigures(helperExample, n);
      expect(next.serviceLevel).toBeGreaterThan(previous.serviceLevel);
      expect(next.asaSeconds).toBeLessThan(previous.asaSeconds);
      previous = next;
    }
    expect(queueFigures(helperExample, 10).serviceLevel).toBe(0);
    expect(agentsNeeded(helperExample, { serviceLevel: 0 }).agents).toBe(11);
  });

  it('lets a maximum occupancy add agents the service level alone would not', () => {
    const light = { ...helperExample, targetSeconds: 600 };
    expect(agentsNeeded(light, { serviceLevel: 0.8 }).agents).toBe(11);
    expect(agentsNeeded(light, { serviceLevel: 0.8, maxOccupancy: 0.8 }).agents).toBe(13);
  });

  it('needs no agent for no calls, and refuses a target of 100 % or a shrinkage of 1', () => {
    expect(agentsNeeded({ ...helperExample, arrivalsPerSecond: 0 }, { serviceLevel: 0.9 }).agents).toBe(0);
    expect(() => agentsNeeded(helperExample, { serviceLevel: 1 })).toThrow(/below 1/);
    expect(() => agentsToSchedule(10, 1)).toThrow(/shrinkage/);
  });
});

describe('Erlang A (Palm, M/M/n+M)', () => {
  it('becomes Erlang C as patience grows without bound', () => {
    const c = queueFigures(helperExample, 11);
    const a = queueFigures({ ...helperExample, patienceSeconds: 1e9 }, 11);
    expect(a.probabilityOfWaiting).toBeCloseTo(c.probabilityOfWaiting, 5);
    expect(a.serviceLevel).toBeCloseTo(c.serviceLevel, 5);
    expect(a.asaSeconds).toBeCloseTo(c.asaSeconds, 2);
    expect(a.abandonRate).toBeLessThan(1e-6);
  });

  it('with patience equal to the handle time, counts callers like an M/M/∞ queue: Poisson(A)', () => {
    // θ = μ: every caller leaves at rate μ whether served or waiting, so the number present is Poisson(A).
    const n = 11;
    const a = 10;
    const f = queueFigures({ ...helperExample, patienceSeconds: 180 }, n);
    let pmf = Math.exp(-a);
    let below = 0;
    let excess = 0; // E[(K − n)^+]
    for (let k = 0; k < 200; k++, pmf *= a / k) {
      if (k < n) below += pmf;
      else excess += (k - n) * pmf;
    }
    expect(f.probabilityOfWaiting).toBeCloseTo(1 - below, 10);
    // Abandons per second = θ · E[queue length]; as a share of arrivals: E[(K − n)^+] / A.
    expect(f.abandonRate).toBeCloseTo(excess / a, 10);
  });

  it('agrees with a simulation of the queue for service level, ASA and abandons', () => {
    for (const [patience, agents] of [[60, 11], [600, 10]] as const) {
      const load = { ...helperExample, patienceSeconds: patience };
      const model = queueFigures(load, agents);
      const simulated = simulate(load, agents, 400_000, 7);
      expect(Math.abs(model.serviceLevel - simulated.serviceLevel)).toBeLessThan(0.012);
      expect(Math.abs(model.abandonRate - simulated.abandonRate)).toBeLessThan(0.006);
      expect(Math.abs(model.asaSeconds - simulated.asaSeconds) / model.asaSeconds).toBeLessThan(0.05);
    }
  });

  it('staffs an overloaded interval that Erlang C cannot, and needs fewer agents than Erlang C when callers are patient', () => {
    const needed = agentsNeeded({ ...helperExample, patienceSeconds: 300 }, { serviceLevel: 0.8 });
    expect(needed.serviceLevel).toBeGreaterThanOrEqual(0.8);
    expect(queueFigures({ ...helperExample, patienceSeconds: 300 }, needed.agents - 1).serviceLevel).toBeLessThan(0.8);
    expect(needed.agents).toBeLessThanOrEqual(14);
    const overloaded = queueFigures({ ...helperExample, patienceSeconds: 300 }, 8);
    expect(overloaded.abandonRate).toBeGreaterThan(0.1);
    expect(overloaded.occupancy).toBeLessThan(1);
  });
});

function normalCdf(x: number): number {
  // Abramowitz & Stegun 7.1.26 via erf; ample for a 0.02 tolerance.
  const t = 1 / (1 + 0.3275911 * (Math.abs(x) / Math.SQRT2));
  const erf = 1 - (((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t) * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/**
 * FCFS M/M/n+M by assignment: each caller in arrival order takes the agent that frees first, if its
 * patience lasts that long; an abandoning caller takes no agent. Seeded, so the test is repeatable.
 */
function simulate(load: QueueLoad, agents: number, calls: number, seed: number) {
  const random = seededRandom(seed).next;
  const exponential = (mean: number) => -mean * Math.log(1 - random());
  const free = new Array<number>(agents).fill(0);
  let t = 0;
  let within = 0;
  let abandoned = 0;
  let answeredWait = 0;
  let counted = 0;
  const warmUp = 10_000;
  for (let i = 0; i < calls + warmUp; i++) {
    t += exponential(1 / load.arrivalsPerSecond);
    let first = 0;
    for (let k = 1; k < agents; k++) if (free[k]! < free[first]!) first = k;
    const wait = Math.max(0, free[first]! - t);
    const patience = exponential(load.patienceSeconds!);
    const answered = wait <= patience;
    if (answered) free[first] = t + wait + exponential(load.ahtSeconds);
    if (i < warmUp) continue;
    counted++;
    if (!answered) abandoned++;
    else {
      answeredWait += wait;
      if (wait <= load.targetSeconds) within++;
    }
  }
  return { serviceLevel: within / counted, abandonRate: abandoned / counted, asaSeconds: answeredWait / (counted - abandoned) };
}
