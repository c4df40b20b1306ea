// HTTP staffing: Erlang per interval, a forecast and a shift plan from history in the body or from reporting's own.
import { ProblemError, Type, type ServiceRoutes, type Static } from '@switchboard/service-kit';
import {
  checkShiftPlanRequest,
  dayIntervals,
  forecastDay,
  historyRange,
  isDate,
  isTimeZone,
  planDay,
  staffIntervals,
  type DayPlan,
  type Forecast,
  type IntervalHistoryRow,
  type ReadIntervalHistory,
} from '../../domain/staffing/index.ts';

const IntervalMinutes = Type.Integer({ enum: [15, 30, 60], default: 30, description: 'interval length in minutes: 15, 30 or 60' });
const StaffingFields = {
  intervalMinutes: IntervalMinutes,
  targetServiceLevel: Type.Number({ minimum: 0, exclusiveMaximum: 1, description: 'share of offered calls to answer within targetSeconds, e.g. 0.8' }),
  targetSeconds: Type.Number({ minimum: 0, maximum: 3600, description: 'T of the service level, e.g. 20' }),
  shrinkage: Type.Number({ minimum: 0, exclusiveMaximum: 1, default: 0, description: 'share of paid time not on calls (breaks, absence, training)' }),
  maxOccupancy: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'staff so occupancy stays at or under this' })),
  patienceSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 86_400, description: 'mean caller patience: Erlang A; absent: Erlang C' })),
};
const ForecastFields = {
  date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'the local day to forecast, YYYY-MM-DD' }),
  timezone: Type.String({ minLength: 1, description: "the site's IANA time zone, e.g. Asia/Shanghai" }),
  intervalMinutes: IntervalMinutes,
  weeks: Type.Integer({ minimum: 1, maximum: 26, default: 4, description: 'past weeks of the same weekday to forecast from' }),
};
const ShiftFields = {
  shifts: Type.Array(
    Type.Object({ lengthMinutes: Type.Integer({ minimum: 15, maximum: 1440 }), breakMinutes: Type.Integer({ minimum: 0, maximum: 240, default: 0 }) }, { additionalProperties: false }),
    { minItems: 1, maxItems: 10, default: [{ lengthMinutes: 480, breakMinutes: 60 }], description: 'the kinds of shift to plan with (one unpaid break in the middle)' },
  ),
  startStepMinutes: Type.Integer({ minimum: 15, maximum: 240, default: 30, description: 'shifts start on multiples of this from local midnight' }),
};
const HistoryRow = Type.Object(
  { intervalStart: Type.String({ format: 'date-time' }), offered: Type.Number({ minimum: 0 }), ahtSeconds: Type.Number({ minimum: 0 }) },
  { additionalProperties: false },
);
const History = Type.Array(HistoryRow, { maxItems: 50_000, description: 'past intervals: UTC start, calls offered, AHT (0: none handled)' });

const ErlangBody = Type.Object(
  {
    ...StaffingFields,
    ahtSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'AHT of every interval that gives none' })),
    intervals: Type.Array(
      Type.Object(
        { start: Type.Optional(Type.String({ format: 'date-time' })), offered: Type.Number({ minimum: 0 }), ahtSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0 })) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 3000 },
    ),
  },
  { additionalProperties: false },
);
const ForecastBody = Type.Object({ ...ForecastFields, history: History }, { additionalProperties: false });
const PlanBody = Type.Object(
  { ...ForecastFields, ...StaffingFields, ...ShiftFields, ahtSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'AHT where history has none' })), history: History },
  { additionalProperties: false },
);
const PlanQuery = Type.Object({
  siteId: Type.String({ minLength: 1 }),
  queueId: Type.Optional(Type.String({ minLength: 1, description: 'absent: every queue of the site' })),
  ...ForecastFields,
  ...StaffingFields,
  ahtSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'AHT where history has none' })),
  shiftMinutes: Type.Integer({ minimum: 15, maximum: 1440, default: 480 }),
  breakMinutes: Type.Integer({ minimum: 0, maximum: 240, default: 60 }),
  startStepMinutes: ShiftFields.startStepMinutes,
});

const Staffed = {
  offered: Type.Number(),
  ahtSeconds: Type.Number(),
  trafficErlangs: Type.Number(),
  agents: Type.Integer({ description: 'agents on calls the target needs' }),
  agentsToSchedule: Type.Integer({ description: 'agents to schedule, after shrinkage' }),
  serviceLevel: Type.Number(),
  asaSeconds: Type.Number(),
  probabilityOfWaiting: Type.Number(),
  abandonRate: Type.Number(),
  occupancy: Type.Number(),
};
const Model = Type.Union([Type.Literal('erlang-c'), Type.Literal('erlang-a')]);
const ErlangResponse = Type.Object({
  model: Model,
  intervals: Type.Array(Type.Object({ start: Type.Optional(Type.String()), ...Staffed })),
  peakAgentsToSchedule: Type.Integer(),
  agentHoursToSchedule: Type.Number(),
});
const ForecastResponse = Type.Object({
  date: Type.String(),
  timezone: Type.String(),
  intervalMinutes: Type.Integer(),
  basis: Type.Array(Type.Object({ date: Type.String(), offered: Type.Number() })),
  trendPerWeek: Type.Number(),
  offered: Type.Number(),
  intervals: Type.Array(Type.Object({ start: Type.String(), local: Type.String(), offered: Type.Number(), ahtSeconds: Type.Number() })),
});
const PlanResponse = Type.Object({
  model: Model,
  forecast: Type.Object({ basis: ForecastResponse.properties.basis, trendPerWeek: Type.Number(), offered: Type.Number() }),
  intervals: Type.Array(Type.Object({ start: Type.String(), local: Type.String(), ...Staffed, scheduled: Type.Integer(), over: Type.Integer(), under: Type.Integer() })),
  shifts: Type.Array(
    Type.Object({ start: Type.String(), end: Type.String(), breakStart: Type.String(), breakEnd: Type.String(), lengthMinutes: Type.Integer(), breakMinutes: Type.Integer(), agents: Type.Integer() }),
  ),
  agents: Type.Integer({ description: 'agents on shift over the day' }),
  requiredAgentHours: Type.Number(),
  scheduledAgentHours: Type.Number(),
});

export interface StaffingDependencies {
  readonly readIntervalHistory: ReadIntervalHistory;
}

export function staffingRoutes(dependencies: StaffingDependencies): ServiceRoutes {
  return async (app) => {
    app.post('/staffing/erlang', { schema: { body: ErlangBody, response: { 200: ErlangResponse } } }, async (request) => {
      const body = request.body;
      const volumes = body.intervals.map((interval, i) => {
        const ahtSeconds = interval.ahtSeconds ?? body.ahtSeconds;
        if (ahtSeconds === undefined && interval.offered > 0) throw invalid('body', `intervals/${i}/ahtSeconds`, 'is needed for an interval with calls when the body gives no ahtSeconds');
        return { offered: interval.offered, ahtSeconds: ahtSeconds ?? 0 };
      });
      const staffed = outOfReachAs422(() => staffIntervals(volumes, staffingParameters(body)));
      return {
        model: body.patienceSeconds === undefined ? ('erlang-c' as const) : ('erlang-a' as const),
        intervals: staffed.map((s, i) => ({ ...(body.intervals[i]!.start ? { start: body.intervals[i]!.start } : {}), ...s })),
        peakAgentsToSchedule: Math.max(...staffed.map((s) => s.agentsToSchedule)),
        agentHoursToSchedule: (staffed.reduce((n, s) => n + s.agentsToSchedule, 0) * body.intervalMinutes) / 60,
      };
    });

    app.post('/staffing/forecast', { schema: { body: ForecastBody, response: { 200: ForecastResponse } } }, async (request) => {
      checkDay('body', request.body);
      return forecastJson(forecastDay(historyRows(request.body.history), forecastRequest(request.body)));
    });

    app.post('/staffing/plan', { schema: { body: PlanBody, response: { 200: PlanResponse } } }, async (request) => {
      const body = request.body;
      checkDay('body', body);
      const forecast = forecastDay(historyRows(body.history), forecastRequest(body));
      return planJson('body', forecast, body, body.shifts, body.startStepMinutes);
    });

    app.get('/staffing/plan', { schema: { querystring: PlanQuery, response: { 200: PlanResponse } } }, async (request) => {
      const query = request.query;
      checkDay('querystring', query);
      const forecastOf = forecastRequest(query);
      const history = await dependencies.readIntervalHistory(historyRange(forecastOf), { siteId: query.siteId, queueId: query.queueId });
      const forecast = forecastDay(history, forecastOf);
      if (forecast.basis.length === 0) {
        const where = query.queueId ? `queue ${query.queueId} of site ${query.siteId}` : `site ${query.siteId}`;
        throw new ProblemError({
          status: 422,
          code: 'no-history',
          detail: `no calls were offered to ${where} on the ${query.weeks} same weekdays before ${query.date} (${query.timezone}); check the site and queue, or plan with POST /staffing/plan and history in the body`,
        });
      }
      return planJson('querystring', forecast, query, [{ lengthMinutes: query.shiftMinutes, breakMinutes: query.breakMinutes }], query.startStepMinutes);
    });
  };
}

type StaffingInput = Pick<Static<typeof ErlangBody>, 'intervalMinutes' | 'targetServiceLevel' | 'targetSeconds' | 'shrinkage' | 'maxOccupancy' | 'patienceSeconds'> & { ahtSeconds?: number | undefined };
type DayInput = { date: string; timezone: string; intervalMinutes: number; weeks: number };

const staffingParameters = (input: StaffingInput) => ({
  intervalMinutes: input.intervalMinutes,
  targetServiceLevel: input.targetServiceLevel,
  targetSeconds: input.targetSeconds,
  shrinkage: input.shrinkage,
  maxOccupancy: input.maxOccupancy,
  patienceSeconds: input.patienceSeconds,
  defaultAhtSeconds: input.ahtSeconds,
});

const forecastRequest = (input: DayInput) => ({ date: input.date, timeZone: input.timezone, intervalMinutes: input.intervalMinutes, weeks: input.weeks });

const historyRows = (rows: Static<typeof History>): IntervalHistoryRow[] =>
  rows.map((r) => ({ intervalStart: new Date(r.intervalStart), offered: r.offered, ahtSeconds: r.ahtSeconds }));

function checkDay(where: 'body' | 'querystring', input: DayInput): void {
  if (!isTimeZone(input.timezone)) throw invalid(where, 'timezone', `'${input.timezone}' is not an IANA time zone this server knows (e.g. Asia/Shanghai)`);
  if (!isDate(input.date)) throw invalid(where, 'date', `'${input.date}' is not a calendar date (YYYY-MM-DD)`);
}

function invalid(where: string, field: string, message: string): ProblemError {
  return new ProblemError({ status: 400, code: 'validation-failed', title: 'The request is not valid', detail: `${where}/${field} ${message}`, errors: [{ path: `${where}/${field}`, message }] });
}

function outOfReachAs422<T>(compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    if (error instanceof RangeError) throw new ProblemError({ status: 422, code: 'staffing-out-of-reach', detail: error.message });
    throw error;
  }
}

function forecastJson(f: Forecast) {
  return {
    date: f.date,
    timezone: f.timeZone,
    intervalMinutes: f.intervalMinutes,
    basis: [...f.basis],
    trendPerWeek: f.trendPerWeek,
    offered: f.offered,
    intervals: f.intervals.map((i) => ({ start: i.start.toISOString(), local: i.local, offered: i.offered, ahtSeconds: i.ahtSeconds })),
  };
}

function planJson(where: 'body' | 'querystring', forecast: Forecast, input: StaffingInput, shifts: readonly { lengthMinutes: number; breakMinutes: number }[], startStepMinutes: number) {
  const problem = checkShiftPlanRequest({ required: forecast.intervals.map(() => 0), intervalMinutes: forecast.intervalMinutes, templates: shifts, startStepMinutes });
  if (problem) throw invalid(where, where === 'body' ? 'shifts' : 'shiftMinutes', problem);
  const plan: DayPlan = outOfReachAs422(() => planDay(forecast.intervals, { ...staffingParameters(input), shifts, startStepMinutes }));
  const local = dayIntervals(forecast.date, forecast.timeZone, forecast.intervalMinutes).map((i) => i.local);
  const at = (index: number) => local[index] ?? '24:00';
  return {
    model: input.patienceSeconds === undefined ? ('erlang-c' as const) : ('erlang-a' as const),
    forecast: { basis: [...forecast.basis], trendPerWeek: forecast.trendPerWeek, offered: forecast.offered },
    intervals: plan.intervals.map((s, i) => ({ start: forecast.intervals[i]!.start.toISOString(), local: forecast.intervals[i]!.local, ...s })),
    shifts: plan.shifts.map((s) => ({
      start: at(s.start),
      end: at(s.end),
      breakStart: at(s.breakStart),
      breakEnd: at(s.breakEnd),
      lengthMinutes: shifts[s.template]!.lengthMinutes,
      breakMinutes: shifts[s.template]!.breakMinutes,
      agents: s.agents,
    })),
    agents: plan.agents,
    requiredAgentHours: plan.requiredAgentHours,
    scheduledAgentHours: plan.scheduledAgentHours,
  };
}
