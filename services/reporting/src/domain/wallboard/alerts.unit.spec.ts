import { describe, expect, it } from 'vitest';
import { alertChanges, alertKey, alertsFor, type Alert, type QueueFigures } from './alerts.ts';

const t = { serviceLevelTarget: 0.8, waitSeconds: 60, minimumCallsForServiceLevel: 5 };
const q = (over: Partial<QueueFigures>): QueueFigures => ({ siteId: 'hz', queueId: 'general', serviceLevel: 0.9, judgedCalls: 20, longestWaitSeconds: 0, ...over });

describe('wallboard alerts', () => {
  it('flags a service level below target once enough calls were judged, and a long wait', () => {
    expect(alertsFor([q({ serviceLevel: 0.7 })], t).map((a) => a.kind)).toEqual(['service_level_below_target']);
    expect(alertsFor([q({ serviceLevel: 0.2, judgedCalls: 4 })], t)).toEqual([]);
    expect(alertsFor([q({ longestWaitSeconds: 61 })], t).map((a) => a.kind)).toEqual(['wait_above_threshold']);
    expect(alertsFor([q({ longestWaitSeconds: 60, serviceLevel: 0.8 })], t)).toEqual([]);
  });

  it('raises only what is new, clears what is gone and keeps what is still due, each with the figure now', () => {
    const long: Alert = { siteId: 'hz', queueId: 'general', kind: 'wait_above_threshold', value: 90, threshold: 60 };
    const on = new Map([[alertKey(long), long]]);
    const now = [q({ longestWaitSeconds: 5, serviceLevel: 0.5 })];
    const changes = alertChanges(on, alertsFor(now, t), now);
    expect(changes.raised.map((a) => a.kind)).toEqual(['service_level_below_target']);
    expect(changes.cleared).toEqual([{ ...long, value: 5 }]);
    expect(changes.kept).toEqual([]);
    // Still due: kept, with the figure now.
    const longer = { ...long, value: 150 };
    expect(alertChanges(on, [longer], now)).toEqual({ raised: [], cleared: [], kept: [longer] });
  });
});
