// Queueing models for one interval: Erlang C (callers wait forever) and Erlang A (Palm's M/M/n+M,
// callers abandon after an exponential patience), and the smallest number of agents meeting a target.

/** One interval's traffic and the answer-time target the service level is measured against. */
export interface QueueLoad {
  /** Calls offered per second (the interval's volume ÷ its length in seconds). */
  readonly arrivalsPerSecond: number;
  /** Average handle time: talk + hold + after-call work. */
  readonly ahtSeconds: number;
  /** T of the service level: a call answered within T (inclusive) counts as met. */
  readonly targetSeconds: number;
  /** Mean patience of a waiting caller. Absent or Infinity: Erlang C, nobody abandons. */
  readonly patienceSeconds?: number | undefined;
}

/** What N agents give for one interval's load, in the model's steady state. */
export interface QueueFigures {
  readonly agents: number;
  /** Offered traffic A = arrivals × AHT, in Erlangs (agents busy on average if every call is served). */
  readonly trafficErlangs: number;
  /** Share of callers who find every agent busy and wait (Erlang C's C(N, A)). */
  readonly probabilityOfWaiting: number;
  /** Share of offered calls answered within T; abandoned calls count as missed. */
  readonly serviceLevel: number;
  /** Average speed of answer: mean wait of the answered calls, those answered at once included. */
  readonly asaSeconds: number;
  /** Share of offered calls abandoned while waiting (0 in Erlang C). */
  readonly abandonRate: number;
  /** Carried traffic ÷ agents: the share of their staffed time agents spend handling calls. */
  readonly occupancy: number;
}

/**
 * Erlang B (loss probability) for n servers and traffic A, by the recursion B(0) = 1,
 * B(k) = A·B(k−1) / (k + A·B(k−1)): no factorials or powers, so it stays exact for thousands of agents.
 */
export function erlangB(agents: number, trafficErlangs: number): number {
  let b = 1;
  for (let k = 1; k <= agents; k++) b = (trafficErlangs * b) / (k + trafficErlangs * b);
  return b;
}

/** Erlang C: the probability a caller waits, from Erlang B. 1 when the agents cannot keep up (N ≤ A). */
export function erlangC(agents: number, trafficErlangs: number): number {
  if (trafficErlangs <= 0) return 0;
  if (agents <= trafficErlangs) return 1;
  return fromErlangB(agents, trafficErlangs, erlangB(agents, trafficErlangs));
}

const fromErlangB = (n: number, a: number, b: number) => (n * b) / (n - a * (1 - b));

/** Figures of N agents under this load: Erlang A when a finite patience is given, else Erlang C. */
export function queueFigures(load: QueueLoad, agents: number): QueueFigures {
  checkLoad(load);
  if (!Number.isInteger(agents) || agents < 0) throw new RangeError(`agents must be a whole number ≥ 0, got ${agents}`);
  const a = load.arrivalsPerSecond * load.ahtSeconds;
  if (a === 0) return idle(agents);
  return hasPatience(load) ? erlangAFigures(load, agents, a) : erlangCFigures(load, agents, a, erlangB(agents, a));
}

export interface StaffingTarget {
  /** Share of offered calls to answer within T, 0 ≤ target < 1. */
  readonly serviceLevel: number;
  /** Upper bound on occupancy (e.g. 0.85), so agents are not run flat out even where SL allows it. */
  readonly maxOccupancy?: number | undefined;
}

/** The largest staff the search tries before declaring the target out of reach. */
const MAX_AGENTS = 100_000;

/**
 * The smallest N whose service level reaches the target (and whose occupancy stays at or under the
 * maximum, if one is given). No traffic needs no agent.
 */
export function agentsNeeded(load: QueueLoad, target: StaffingTarget): QueueFigures {
  checkLoad(load);
  if (!(target.serviceLevel >= 0 && target.serviceLevel < 1)) throw new RangeError(`the target service level must be at least 0 and below 1, got ${target.serviceLevel}`);
  const maxOccupancy = target.maxOccupancy ?? 1;
  if (!(maxOccupancy > 0 && maxOccupancy <= 1)) throw new RangeError(`the maximum occupancy must be above 0 and at most 1, got ${maxOccupancy}`);
  const a = load.arrivalsPerSecond * load.ahtSeconds;
  if (a === 0) return idle(0);
  const meets = (f: QueueFigures) => f.serviceLevel >= target.serviceLevel - 1e-12 && f.occupancy <= maxOccupancy + 1e-12;

  if (!hasPatience(load)) {
    // Below N = A nobody is answered in the long run; the Erlang B recursion is carried up from there.
    let n = Math.floor(a) + 1;
    let b = erlangB(n, a);
    for (; n <= MAX_AGENTS; n++, b = (a * b) / (n + a * b)) {
      const figures = erlangCFigures(load, n, a, b);
      if (meets(figures)) return figures;
    }
  } else {
    // Every agent carries at most one Erlang, so answering a share s of the calls needs N ≥ s·A.
    for (let n = Math.max(1, Math.floor(target.serviceLevel * a)); n <= MAX_AGENTS; n++) {
      const figures = erlangAFigures(load, n, a);
      if (meets(figures)) return figures;
    }
  }
  throw new RangeError(`no staff up to ${MAX_AGENTS} agents reaches the target for ${a.toFixed(1)} Erlangs`);
}

/**
 * Agents to put on the schedule so that, after shrinkage (breaks, absence, training: the share of paid
 * time not available for calls), the needed number are there: ⌈N / (1 − shrinkage)⌉.
 */
export function agentsToSchedule(agentsOnCalls: number, shrinkage: number): number {
  if (!(shrinkage >= 0 && shrinkage < 1)) throw new RangeError(`shrinkage must be at least 0 and below 1, got ${shrinkage}`);
  // 14 / 0.7 is 20.000000000000004 in floating point: 20 agents, not 21.
  return Math.max(0, Math.ceil(agentsOnCalls / (1 - shrinkage) - 1e-9));
}

function checkLoad(load: QueueLoad): void {
  if (!(load.arrivalsPerSecond >= 0) || !Number.isFinite(load.arrivalsPerSecond)) throw new RangeError(`the arrival rate must be a finite number ≥ 0, got ${load.arrivalsPerSecond}`);
  if (!(load.ahtSeconds > 0) || !Number.isFinite(load.ahtSeconds)) throw new RangeError(`the average handle time must be above 0 seconds, got ${load.ahtSeconds}`);
  if (!(load.targetSeconds >= 0) || !Number.isFinite(load.targetSeconds)) throw new RangeError(`the target answer time must be ≥ 0 seconds, got ${load.targetSeconds}`);
  if (load.patienceSeconds !== undefined && !(load.patienceSeconds > 0)) throw new RangeError(`the mean patience must be above 0 seconds, got ${load.patienceSeconds}`);
}

const hasPatience = (load: QueueLoad) => load.patienceSeconds !== undefined && Number.isFinite(load.patienceSeconds);

function idle(agents: number): QueueFigures {
  return { agents, trafficErlangs: 0, probabilityOfWaiting: 0, serviceLevel: 1, asaSeconds: 0, abandonRate: 0, occupancy: 0 };
}

/**
 * Erlang C with B = Erlang B(N, A) given. N ≤ A is unstable: every caller waits, the queue grows
 * without bound, nobody is answered within T in the long run.
 */
function erlangCFigures(load: QueueLoad, n: number, a: number, b: number): QueueFigures {
  if (n <= a) return { agents: n, trafficErlangs: a, probabilityOfWaiting: 1, serviceLevel: 0, asaSeconds: Infinity, abandonRate: 0, occupancy: 1 };
  const c = fromErlangB(n, a, b);
  return {
    agents: n,
    trafficErlangs: a,
    probabilityOfWaiting: c,
    // The wait of a waiting caller is exponential with rate (N − A)/AHT.
    serviceLevel: 1 - c * Math.exp((-(n - a) * load.targetSeconds) / load.ahtSeconds),
    asaSeconds: (c * load.ahtSeconds) / (n - a),
    abandonRate: 0,
    occupancy: a / n,
  };
}

/** Terms of the queue-length sum beyond which Erlang A gives up (only a huge patience in overload gets near). */
const MAX_QUEUE_TERMS = 5_000_000;

/**
 * Erlang A (Palm's M/M/n+M), exact. With μ = 1/AHT, θ = 1/patience, x = nμ/θ, y = λ/θ:
 * - an arrival finds j callers queued with probability ∝ r_j = Π_{i=1..j} y/(x+i), and the states
 *   below n weigh 1/B(n, A) − 1 against r_0 = 1 (the Erlang B relation);
 * - its offered wait V_j (the wait if it had infinite patience) is a sum of exponentials with rates
 *   θ(x+i), i = 0..j, so Z = e^{−θV_j} is a product of Beta(x+i, 1) variables, i.e. Beta(x, j+1);
 * - it is answered iff its patience τ ~ Exp(θ) outlasts V_j: P(answered) = E[Z] = x/(x+j+1);
 *   P(answered within T) = E[Z; Z ≥ e^{−θT}] = x/(x+j+1) · P(K ≤ j)^c, where the regularised
 *   incomplete beta I_z(x+1, j+1) with whole j+1 is the CDF of a negative binomial K(r = x+1, p = z);
 *   E[V_j; answered] = x/(x+j+1) · Σ_{i=0..j} 1/(x+1+i) / θ (from E[ln Beta]).
 * Sums run in a scale set by the largest r_j so that neither y^j nor 1/B overflows.
 */
function erlangAFigures(load: QueueLoad, n: number, a: number): QueueFigures {
  const lambda = load.arrivalsPerSecond;
  const theta = 1 / load.patienceSeconds!;
  const x = n / load.ahtSeconds / theta;
  const y = lambda / theta;
  if (n === 0) return { agents: 0, trafficErlangs: a, probabilityOfWaiting: 1, serviceLevel: 0, asaSeconds: Infinity, abandonRate: 1, occupancy: 0 };
  const b = erlangB(n, a);
  if (b === 0) return { agents: n, trafficErlangs: a, probabilityOfWaiting: 0, serviceLevel: 1, asaSeconds: 0, abandonRate: 0, occupancy: a / n };

  // r_j rises while y > x + j: its peak sets the scale.
  const peak = Math.max(0, Math.floor(y - x));
  let logPeak = 0;
  for (let i = 1; i <= peak; i++) logPeak += Math.log(y / (x + i));

  const logZ = -theta * load.targetSeconds; // ln z, z = e^{−θT}
  const log1mZ = Math.log(-Math.expm1(logZ)); // ln(1 − z); −∞ when T = 0
  let logR = 0; // ln r_j
  let logPmf = (x + 1) * logZ; // ln P(K = j)
  let cdf = 0; // P(K ≤ j)
  let harmonic = 0; // Σ_{i=0..j} 1/(x+1+i)
  let weight = 0; // Σ w_j, w_j = r_j / r_peak
  let answered = 0;
  let answeredWithin = 0;
  let answeredWait = 0;
  for (let j = 0; ; j++) {
    if (j > MAX_QUEUE_TERMS) throw new RangeError(`Erlang A did not converge for ${n} agents: the patience is too long for this overload; leave it out to use Erlang C`);
    if (j > 0) {
      logR += Math.log(y / (x + j));
      logPmf += Math.log((x + j) / j) + log1mZ;
    }
    const w = Math.exp(logR - logPeak);
    cdf = Math.min(1, cdf + Math.exp(logPmf));
    harmonic += 1 / (x + 1 + j);
    const served = x / (x + j + 1);
    weight += w;
    answered += w * served;
    answeredWithin += w * served * (1 - cdf);
    answeredWait += (w * served * harmonic) / theta;
    if (j >= peak && w < 1e-17 * weight) break;
  }
  const below = Math.exp(Math.log(1 / b - 1) - logPeak);
  const pWait = weight / (below + weight);
  const abandonRate = pWait * (1 - answered / weight);
  const answeredShare = 1 - abandonRate;
  return {
    agents: n,
    trafficErlangs: a,
    probabilityOfWaiting: pWait,
    serviceLevel: 1 - pWait + (pWait * answeredWithin) / weight,
    asaSeconds: (pWait * answeredWait) / weight / answeredShare,
    abandonRate,
    occupancy: (a * answeredShare) / n,
  };
}
