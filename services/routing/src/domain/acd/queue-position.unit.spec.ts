import { describe, expect, it } from 'vitest';
import { CustomerTier } from '@switchboard/contracts';
import { queuePosition } from './queue-position.ts';
import { at, defineQueue, given, queueCall, readyAt, registerAgent, registerSite, site, when } from './scenario.ts';

describe('queue position and expected wait', () => {
  it('counts the callers ahead and drains the line at the pace of recent calls', () => {
    const s = given(
      registerSite(),
      defineQueue('general', { general: 1 }, { wrapUpMs: 20_000 }),
      registerAgent('wang', { general: 5 }),
      registerAgent('chen', { general: 5 }),
      readyAt('wang', 0),
      readyAt('chen', 0),
    );
    // Two calls of 100 s talk: the queue's handle time is 120 s with wrap-up.
    for (const [callId, agentId] of [['h1', 'wang'], ['h2', 'chen']] as const) {
      when(s, queueCall(callId, 'general', 0));
      when(s, { type: 'AcceptOffer', callId, agentId, at: at(0) });
      when(s, { type: 'EndCall', callId, at: at(100) });
    }
    when(s, queueCall('a', 'general', 101));
    when(s, queueCall('b', 'general', 102));
    when(s, queueCall('vip', 'general', 103, CustomerTier.PLATINUM));
    expect(queuePosition(site(s), 'vip')).toEqual({ position: 1, callsWaiting: 3, expectedWaitMs: 60_000 });
    expect(queuePosition(site(s), 'b')).toEqual({ position: 3, callsWaiting: 3, expectedWaitMs: 180_000 });
  });

  it('has no expected wait when nobody who could answer is working, and no position for an offered call', () => {
    const s = given(registerSite(), defineQueue('general', { general: 1 }), registerAgent('wang', { general: 5 }), { type: 'LogIn', agentId: 'wang', at: at(0) });
    when(s, queueCall('a', 'general', 1));
    expect(queuePosition(site(s), 'a')).toEqual({ position: 1, callsWaiting: 1, expectedWaitMs: undefined });
    when(s, { type: 'GoReady', agentId: 'wang', at: at(2) });
    expect(queuePosition(site(s), 'a')).toBeUndefined();
  });
});
