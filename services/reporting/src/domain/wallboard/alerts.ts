// When the wallboard warns: a queue's service level today below target, or a caller waiting too long.
// Pure: the figures in, the alerts that should be on out; the service raises and clears the difference.

export interface AlertThresholds {
  /** Service level (fraction 0–1) below which a queue is flagged. */
  readonly serviceLevelTarget: number;
  /** A caller waiting longer than this (seconds) flags the queue. */
  readonly waitSeconds: number;
  /** Answered + abandoned calls needed today before service level is judged (three calls tell nothing). */
  readonly minimumCallsForServiceLevel: number;
}

export type AlertKindName = 'service_level_below_target' | 'wait_above_threshold';

export interface QueueFigures {
  readonly siteId: string;
  readonly queueId: string;
  readonly serviceLevel: number | null;
  /** Answered + abandoned today: the calls service level is judged on. */
  readonly judgedCalls: number;
  readonly longestWaitSeconds: number;
}

export interface Alert {
  readonly siteId: string;
  readonly queueId: string;
  readonly kind: AlertKindName;
  readonly value: number;
  readonly threshold: number;
}

export const alertKey = (a: Pick<Alert, 'siteId' | 'queueId' | 'kind'>) => `${a.siteId}/${a.queueId}/${a.kind}`;

/** The alerts that should be on for these figures. */
export function alertsFor(queues: readonly QueueFigures[], t: AlertThresholds): Alert[] {
  const alerts: Alert[] = [];
  for (const q of queues) {
    if (q.serviceLevel !== null && q.judgedCalls >= t.minimumCallsForServiceLevel && q.serviceLevel < t.serviceLevelTarget) {
      alerts.push({ siteId: q.siteId, queueId: q.queueId, kind: 'service_level_below_target', value: q.serviceLevel, threshold: t.serviceLevelTarget });
    }
    if (q.longestWaitSeconds > t.waitSeconds) {
      alerts.push({ siteId: q.siteId, queueId: q.queueId, kind: 'wait_above_threshold', value: q.longestWaitSeconds, threshold: t.waitSeconds });
    }
  }
  return alerts;
}

export interface AlertChanges {
  readonly raised: readonly Alert[];
  /** Alerts on before whose condition is gone, with the figure now (0 when the queue has no figure). */
  readonly cleared: readonly Alert[];
  /** Alerts on before and still due, with the figure now (a wait keeps growing, a service level keeps falling). */
  readonly kept: readonly Alert[];
}

/** What changed between the alerts on and the alerts that should be on. */
export function alertChanges(on: ReadonlyMap<string, Alert>, due: readonly Alert[], queues: readonly QueueFigures[]): AlertChanges {
  const dueKeys = new Set(due.map(alertKey));
  const raised = due.filter((a) => !on.has(alertKey(a)));
  const kept = due.filter((a) => on.has(alertKey(a)));
  const cleared: Alert[] = [];
  for (const [key, alert] of on) {
    if (dueKeys.has(key)) continue;
    const q = queues.find((x) => x.siteId === alert.siteId && x.queueId === alert.queueId);
    const value = alert.kind === 'wait_above_threshold' ? (q?.longestWaitSeconds ?? 0) : (q?.serviceLevel ?? 0);
    cleared.push({ ...alert, value });
  }
  return { raised, cleared, kept };
}
