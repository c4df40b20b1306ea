// The suggested shifts cover every interval's requirement with few agents, and say where they overstaff.
import { describe, expect, it } from 'vitest';
import { planDay } from './day-plan.ts';
import { planShifts } from './shift-plan.ts';

/** A day of 30-minute intervals: `agents` from `from` (hour) to `to` (hour), 0 elsewhere. */
function curve(...blocks: [from: number, to: number, agents: number][]): number[] {
  const day = new Array<number>(48).fill(0);
  for (const [from, to, agents] of blocks) for (let i = from * 2; i < to * 2; i++) day[i] = Math.max(day[i]!, agents);
  return day;
}

describe('shift plan', () => {
  it('covers a flat 8-hour requirement with exactly as many 8-hour shifts (no break) as agents needed', () => {
    const plan = planShifts({ required: curve([9, 17, 5]), intervalMinutes: 30, templates: [{ lengthMinutes: 480, breakMinutes: 0 }], startStepMinutes: 30 });
    expect(plan.agents).toBe(5);
    expect(plan.shifts).toEqual([{ template: 0, start: 18, end: 34, breakStart: 26, breakEnd: 26, agents: 5 }]);
    expect(plan.under.every((u) => u === 0)).toBe(true);
    expect(plan.over.every((o) => o === 0)).toBe(true);
  });

  it('leaves no interval short, staggers breaks, and stays near the lower bound for a day with a peak', () => {
    const required = curve([8, 20, 4], [10, 12, 9], [14, 16, 7]);
    const plan = planShifts({ required, intervalMinutes: 30, templates: [{ lengthMinutes: 540, breakMinutes: 60 }, { lengthMinutes: 240, breakMinutes: 0 }], startStepMinutes: 30 });
    expect(plan.under.every((u) => u === 0)).toBe(true);
    for (const [i, r] of required.entries()) expect(plan.scheduled[i]).toBeGreaterThanOrEqual(r);
    // Nobody can be removed: every shift works at least one interval the others do not cover.
    expect(plan.agents).toBeLessThanOrEqual(13);
    expect(plan.agents).toBeGreaterThanOrEqual(9);
    expect(plan.shifts.reduce((n, s) => n + s.agents, 0)).toBe(plan.agents);
    // Breaks never fall inside the worked intervals the plan counts.
    for (const s of plan.shifts) expect(s.breakEnd - s.breakStart).toBe(s.template === 0 ? 2 : 0);
  });

  it('starts shifts only on the step given', () => {
    const plan = planShifts({ required: curve([9, 13, 2]), intervalMinutes: 30, templates: [{ lengthMinutes: 240, breakMinutes: 0 }], startStepMinutes: 60 });
    expect(plan.shifts.every((s) => s.start % 2 === 0)).toBe(true);
    expect(plan.agents).toBe(2);
  });

  it('refuses a shift that is not on the interval grid or does not fit the day', () => {
    expect(() => planShifts({ required: curve([9, 17, 1]), intervalMinutes: 30, templates: [{ lengthMinutes: 485, breakMinutes: 0 }], startStepMinutes: 30 })).toThrow(/multiple of the 30-minute interval/);
    expect(() => planShifts({ required: curve([9, 17, 1]), intervalMinutes: 30, templates: [{ lengthMinutes: 1500, breakMinutes: 0 }], startStepMinutes: 30 })).toThrow(/does not fit/);
  });
});

describe('a day plan from volumes', () => {
  it('staffs each interval by Erlang C, adds shrinkage, and covers it with shifts', () => {
    // The Call Centre Helper example in the morning (100 calls per 30 min, AHT 180 s): 14 agents, 20 with 30 % shrinkage.
    const volumes = Array.from({ length: 48 }, (_, i) => ({ offered: i >= 18 && i < 34 ? 100 : 0, ahtSeconds: 180 }));
    const plan = planDay(volumes, { intervalMinutes: 30, targetServiceLevel: 0.8, targetSeconds: 20, shrinkage: 0.3, shifts: [{ lengthMinutes: 480, breakMinutes: 0 }], startStepMinutes: 30 });
    expect(plan.intervals[20]).toMatchObject({ agents: 14, agentsToSchedule: 20, scheduled: 20, over: 0, under: 0 });
    expect(plan.intervals[0]).toMatchObject({ agents: 0, agentsToSchedule: 0, scheduled: 0 });
    expect(plan.agents).toBe(20);
    expect(plan.requiredAgentHours).toBe(160);
    expect(plan.scheduledAgentHours).toBe(160);
  });

  it('says which interval has calls but no handle time to staff them with', () => {
    expect(() => planDay([{ offered: 10, ahtSeconds: 0 }], { intervalMinutes: 30, targetServiceLevel: 0.8, targetSeconds: 20, shrinkage: 0, shifts: [{ lengthMinutes: 30, breakMinutes: 0 }], startStepMinutes: 30 })).toThrow(
      /interval 0 has 10 calls but no handle time/,
    );
  });
});
