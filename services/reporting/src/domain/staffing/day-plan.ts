// From a day's volumes to agents per interval and a shift plan: Erlang per interval, shrinkage, then the cover.
import { agentsNeeded, agentsToSchedule, type QueueFigures } from './erlang.ts';
import { planShifts, type PlannedShift, type ShiftTemplate } from './shift-plan.ts';

export interface StaffingParameters {
  readonly intervalMinutes: number;
  /** Share of offered calls to answer within targetSeconds, 0 ≤ s < 1. */
  readonly targetServiceLevel: number;
  readonly targetSeconds: number;
  /** Share of paid time not on calls (breaks, absence, training), 0 ≤ s < 1. */
  readonly shrinkage: number;
  readonly maxOccupancy?: number | undefined;
  /** Mean caller patience: Erlang A when given, Erlang C when absent. */
  readonly patienceSeconds?: number | undefined;
  /** AHT for an interval whose own is 0 (no call handled in its history). */
  readonly defaultAhtSeconds?: number | undefined;
}

export interface IntervalVolume {
  readonly offered: number;
  readonly ahtSeconds: number;
}

export interface IntervalStaffing extends QueueFigures {
  readonly offered: number;
  readonly ahtSeconds: number;
  /** Agents to put on the schedule so that `agents` are on calls after shrinkage. */
  readonly agentsToSchedule: number;
}

export function staffIntervals(volumes: readonly IntervalVolume[], p: StaffingParameters): IntervalStaffing[] {
  const seconds = p.intervalMinutes * 60;
  return volumes.map((v, i) => {
    const aht = v.ahtSeconds > 0 ? v.ahtSeconds : p.defaultAhtSeconds ?? 0;
    if (v.offered > 0 && !(aht > 0)) throw new RangeError(`interval ${i} has ${v.offered} calls but no handle time: give an AHT`);
    const figures = agentsNeeded(
      { arrivalsPerSecond: v.offered / seconds, ahtSeconds: aht > 0 ? aht : 1, targetSeconds: p.targetSeconds, patienceSeconds: p.patienceSeconds },
      { serviceLevel: p.targetServiceLevel, maxOccupancy: p.maxOccupancy },
    );
    return { ...figures, offered: v.offered, ahtSeconds: aht, agentsToSchedule: agentsToSchedule(figures.agents, p.shrinkage) };
  });
}

export interface DayPlanParameters extends StaffingParameters {
  readonly shifts: readonly ShiftTemplate[];
  readonly startStepMinutes: number;
}

export interface DayPlan {
  readonly intervals: readonly (IntervalStaffing & { readonly scheduled: number; readonly over: number; readonly under: number })[];
  readonly shifts: readonly PlannedShift[];
  /** Agents on shift over the day (each works one shift). */
  readonly agents: number;
  /** Agent-hours the requirement asks for, and agent-hours the shifts put at work (breaks excluded). */
  readonly requiredAgentHours: number;
  readonly scheduledAgentHours: number;
}

export function planDay(volumes: readonly IntervalVolume[], p: DayPlanParameters): DayPlan {
  const staffing = staffIntervals(volumes, p);
  const plan = planShifts({
    required: staffing.map((s) => s.agentsToSchedule),
    intervalMinutes: p.intervalMinutes,
    templates: p.shifts,
    startStepMinutes: p.startStepMinutes,
  });
  const hours = (values: readonly number[]) => (values.reduce((a, b) => a + b, 0) * p.intervalMinutes) / 60;
  return {
    intervals: staffing.map((s, i) => ({ ...s, scheduled: plan.scheduled[i]!, over: plan.over[i]!, under: plan.under[i]! })),
    shifts: plan.shifts,
    agents: plan.agents,
    requiredAgentHours: hours(staffing.map((s) => s.agentsToSchedule)),
    scheduledAgentHours: hours(plan.scheduled),
  };
}
