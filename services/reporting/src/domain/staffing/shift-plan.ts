// Shifts that cover a day's agents-to-schedule curve with few agents: a greedy cover, then pruning.

/** A kind of shift: its paid length and one unpaid break in its middle. */
export interface ShiftTemplate {
  readonly lengthMinutes: number;
  readonly breakMinutes: number;
}

export interface ShiftPlanRequest {
  /** Agents to schedule in each interval of the day, in order (after shrinkage). */
  readonly required: readonly number[];
  readonly intervalMinutes: number;
  readonly templates: readonly ShiftTemplate[];
  /** Shifts start on multiples of this from the day's first interval (e.g. 30: on the half hour). */
  readonly startStepMinutes: number;
}

export interface PlannedShift {
  readonly template: number;
  /** Index of the first interval worked. */
  readonly start: number;
  /** Index after the last interval worked. */
  readonly end: number;
  /** Indexes of the break: [breakStart, breakEnd). */
  readonly breakStart: number;
  readonly breakEnd: number;
  /** Agents on this shift. */
  readonly agents: number;
}

export interface ShiftPlan {
  /** Distinct shifts, by start, with how many agents work each. */
  readonly shifts: readonly PlannedShift[];
  readonly agents: number;
  /** Agents working (not on break) in each interval. */
  readonly scheduled: readonly number[];
  /** Agents short (> 0) of the requirement in each interval; always 0 unless no shift fits the day. */
  readonly under: readonly number[];
  /** Agents beyond the requirement in each interval. */
  readonly over: readonly number[];
}

export function checkShiftPlanRequest(request: ShiftPlanRequest): string | undefined {
  const { intervalMinutes: step } = request;
  if (request.templates.length === 0) return 'at least one shift template is needed';
  for (const [i, t] of request.templates.entries()) {
    if (t.lengthMinutes <= 0 || t.lengthMinutes % step !== 0) return `shift ${i}: its length (${t.lengthMinutes} min) must be a positive multiple of the ${step}-minute interval`;
    if (t.breakMinutes < 0 || t.breakMinutes % step !== 0 || t.breakMinutes >= t.lengthMinutes) return `shift ${i}: its break (${t.breakMinutes} min) must be a multiple of the ${step}-minute interval and shorter than the shift`;
    if (t.lengthMinutes > request.required.length * step) return `shift ${i}: ${t.lengthMinutes} min does not fit in a day of ${request.required.length * step} min`;
  }
  if (request.startStepMinutes <= 0 || request.startStepMinutes % step !== 0) return `the start step (${request.startStepMinutes} min) must be a positive multiple of the ${step}-minute interval`;
  return undefined;
}

interface Candidate {
  readonly template: number;
  readonly start: number;
  readonly end: number;
  readonly breakStart: number;
  readonly breakEnd: number;
  /** Intervals worked. */
  readonly work: readonly number[];
}

/**
 * Greedy set multicover: while some interval is short, add the shift (template × start) that works the
 * most short intervals less a weighted count of the surplus intervals it would work; then drop every shift
 * the others make unnecessary. A few weights are tried and the plan with the fewest agents (then the
 * fewest agent-intervals) kept. Shifts lie inside the day.
 */
export function planShifts(request: ShiftPlanRequest): ShiftPlan {
  const problem = checkShiftPlanRequest(request);
  if (problem) throw new RangeError(problem);
  const required = request.required.map((r) => Math.max(0, Math.ceil(r)));
  const candidates = candidatesOf(request);
  // Greedy covers differ with how much a surplus interval costs; keep the plan with the fewest agents.
  let best: Candidate[] | undefined;
  for (const surplusWeight of [0, 0.25, 0.5, 1]) {
    const chosen = prune(greedyCover(required, candidates, surplusWeight), required);
    if (!best || chosen.length < best.length || (chosen.length === best.length && workedSlots(chosen) < workedSlots(best))) best = chosen;
  }
  return summarise(best!, required);
}

const workedSlots = (shifts: readonly Candidate[]) => shifts.reduce((n, c) => n + c.work.length, 0);

/** Adds, while some interval is short, the shift with the best score: short intervals worked − weight × surplus ones. */
function greedyCover(required: readonly number[], candidates: readonly Candidate[], surplusWeight: number): Candidate[] {
  const remaining = [...required];
  const chosen: Candidate[] = [];
  while (remaining.some((r) => r > 0)) {
    let best: Candidate | undefined;
    let bestScore = -Infinity;
    let bestCovered = 0;
    for (const c of candidates) {
      let covered = 0;
      for (const i of c.work) if (remaining[i]! > 0) covered++;
      if (covered === 0) continue;
      const score = covered - surplusWeight * (c.work.length - covered);
      // Ties go to the shift working more short intervals, then to the earlier one (candidates are in start order per template).
      if (score > bestScore + 1e-9 || (Math.abs(score - bestScore) <= 1e-9 && covered > bestCovered)) {
        best = c;
        bestScore = score;
        bestCovered = covered;
      }
    }
    if (!best) break; // nothing reaches what is left (cannot happen when every shift fits the day)
    chosen.push(best);
    for (const i of best.work) remaining[i]!--;
  }
  return chosen;
}

/** Drops, latest first, every shift the others make unnecessary. */
function prune(chosen: Candidate[], required: readonly number[]): Candidate[] {
  const scheduled = new Array<number>(required.length).fill(0);
  for (const c of chosen) for (const i of c.work) scheduled[i]!++;
  for (let k = chosen.length - 1; k >= 0; k--) {
    const c = chosen[k]!;
    if (c.work.every((i) => scheduled[i]! - 1 >= required[i]!)) {
      for (const i of c.work) scheduled[i]!--;
      chosen.splice(k, 1);
    }
  }
  return chosen;
}

function summarise(chosen: readonly Candidate[], required: readonly number[]): ShiftPlan {
  const scheduled = new Array<number>(required.length).fill(0);
  for (const c of chosen) for (const i of c.work) scheduled[i]!++;
  const grouped = new Map<Candidate, number>();
  for (const c of chosen) grouped.set(c, (grouped.get(c) ?? 0) + 1);
  const shifts = [...grouped]
    .map(([c, agents]): PlannedShift => ({ template: c.template, start: c.start, end: c.end, breakStart: c.breakStart, breakEnd: c.breakEnd, agents }))
    .sort((a, b) => a.start - b.start || a.template - b.template);
  return {
    shifts,
    agents: chosen.length,
    scheduled,
    under: scheduled.map((s, i) => Math.max(0, required[i]! - s)),
    over: scheduled.map((s, i) => Math.max(0, s - required[i]!)),
  };
}

function candidatesOf(request: ShiftPlanRequest): Candidate[] {
  const step = request.intervalMinutes;
  const length = request.required.length;
  const startEvery = request.startStepMinutes / step;
  const candidates: Candidate[] = [];
  for (const [template, t] of request.templates.entries()) {
    const span = t.lengthMinutes / step;
    const breakSpan = t.breakMinutes / step;
    // The break sits in the middle of the shift, on the interval grid.
    const breakOffset = Math.floor((span - breakSpan) / 2);
    for (let start = 0; start + span <= length; start += startEvery) {
      const breakStart = start + breakOffset;
      const breakEnd = breakStart + breakSpan;
      const work: number[] = [];
      for (let i = start; i < start + span; i++) if (i < breakStart || i >= breakEnd) work.push(i);
      candidates.push({ template, start, end: start + span, breakStart, breakEnd, work });
    }
  }
  return candidates;
}
