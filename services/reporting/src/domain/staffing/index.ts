// Staffing: Erlang C / Erlang A per interval, a forecast from history, and a suggested shift plan. Pure.
export { agentsNeeded, agentsToSchedule, erlangB, erlangC, queueFigures, type QueueFigures, type QueueLoad, type StaffingTarget } from './erlang.ts';
export {
  forecastDay,
  historyRange,
  type Forecast,
  type ForecastInterval,
  type ForecastRequest,
  type HistoryFilter,
  type HistoryRange,
  type IntervalHistoryRow,
  type ReadIntervalHistory,
} from './forecast.ts';
export { checkShiftPlanRequest, planShifts, type PlannedShift, type ShiftPlan, type ShiftPlanRequest, type ShiftTemplate } from './shift-plan.ts';
export { planDay, staffIntervals, type DayPlan, type DayPlanParameters, type IntervalStaffing, type IntervalVolume, type StaffingParameters } from './day-plan.ts';
export { addDays, clock, dayIntervals, isDate, isTimeZone, localTime, type DayInterval } from './local-day.ts';
