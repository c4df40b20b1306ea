// Every simulated call's outcome (exactly one), the running counts, and the invariants the platform must keep.

export const OUTCOMES = [
  'answered',
  'overflowed-then-answered',
  'abandoned',
  'self-served',
  'callback-reached',
  'callback-not-reached',
  'callback-pending',
  'released-by-ivr',
  'cut-off',
  'failed',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface Counts {
  arrived: number;
  /** Calls offered to an agent at least once. */
  offered: number;
  /** Calls answered by an agent at least once. */
  answered: number;
  abandoned: number;
  selfServed: number;
  callbacks: number;
  noAnswers: number;
  holds: number;
  transfers: number;
  /** Commands the switch received from telephony. */
  commands: number;
  /** Post-call surveys telephony took: offered, and answered with a key. */
  surveysOffered: number;
  surveysAnswered: number;
}

export interface TallySnapshot {
  readonly counts: Readonly<Counts>;
  readonly outcomes: Readonly<Record<Outcome, number>>;
  /** Calls with no outcome yet. */
  readonly open: number;
  readonly waitingNow: number;
  readonly talkingNow: number;
  readonly violations: readonly string[];
  /** Milliseconds from asking for an agent to the ring, per offer (for percentiles). */
  readonly offerDelaysMs: readonly number[];
}

export class Tally {
  readonly counts: Counts = { arrived: 0, offered: 0, answered: 0, abandoned: 0, selfServed: 0, callbacks: 0, noAnswers: 0, holds: 0, transfers: 0, commands: 0, surveysOffered: 0, surveysAnswered: 0 };
  private readonly outcomes = new Map<string, Outcome>();
  private readonly byOutcome = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  private readonly violations: string[] = [];
  private readonly offeredCalls = new Set<string>();
  private readonly answeredCalls = new Set<string>();
  /** callId → the agent ringing or talking on it. */
  private readonly callHolder = new Map<string, string>();
  /** agentId → the call it rings or talks on. */
  private readonly agentHolding = new Map<string, string>();
  private readonly offerDelays: number[] = [];
  waitingNow = 0;
  talkingNow = 0;

  arrived(): void {
    this.counts.arrived++;
  }

  /** An agent is rung for (or dials) the call: neither may already be engaged elsewhere. */
  engage(callId: string, agentId: string, waitedMs?: number): void {
    const holder = this.callHolder.get(callId);
    if (holder !== undefined) this.violations.push(`call ${callId} offered to ${agentId} while ${holder} has it`);
    const holding = this.agentHolding.get(agentId);
    if (holding !== undefined) this.violations.push(`agent ${agentId} offered call ${callId} while holding ${holding}`);
    this.callHolder.set(callId, agentId);
    this.agentHolding.set(agentId, callId);
    if (!this.offeredCalls.has(callId)) {
      this.offeredCalls.add(callId);
      this.counts.offered++;
    }
    if (waitedMs !== undefined) this.offerDelays.push(waitedMs);
  }

  /** The agent let go of the call (it rang out, ended, moved on). */
  release(callId: string, agentId: string): void {
    if (this.callHolder.get(callId) === agentId) this.callHolder.delete(callId);
    if (this.agentHolding.get(agentId) === callId) this.agentHolding.delete(agentId);
  }

  answered(callId: string): void {
    if (this.answeredCalls.has(callId)) return;
    this.answeredCalls.add(callId);
    this.counts.answered++;
  }

  wasAnswered(callId: string): boolean {
    return this.answeredCalls.has(callId);
  }

  /** The call's one outcome; a second is a violation (the first stands). */
  settle(key: string, outcome: Outcome): void {
    const before = this.outcomes.get(key);
    if (before !== undefined) {
      // A pending callback is the one outcome that gets its final word later.
      if (before === 'callback-pending' && (outcome === 'callback-reached' || outcome === 'callback-not-reached')) {
        this.byOutcome[before]--;
      } else {
        this.violations.push(`call ${key} ended twice: ${before}, then ${outcome}`);
        return;
      }
    }
    this.outcomes.set(key, outcome);
    this.byOutcome[outcome]++;
    if (outcome === 'abandoned') this.counts.abandoned++;
    if (outcome === 'self-served') this.counts.selfServed++;
    if (outcome === 'callback-pending') this.counts.callbacks++;
  }

  outcomeOf(key: string): Outcome | undefined {
    return this.outcomes.get(key);
  }

  violation(message: string): void {
    this.violations.push(message);
  }

  snapshot(): TallySnapshot {
    return {
      counts: { ...this.counts },
      outcomes: { ...this.byOutcome },
      open: this.counts.arrived - this.outcomes.size,
      waitingNow: this.waitingNow,
      talkingNow: this.talkingNow,
      violations: [...this.violations],
      offerDelaysMs: [...this.offerDelays],
    };
  }
}

/** Whether the outcomes account for every call that arrived. */
export const countsAddUp = (s: TallySnapshot): boolean => s.open === 0 && OUTCOMES.reduce((sum, o) => sum + s.outcomes[o], 0) === s.counts.arrived;

export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
