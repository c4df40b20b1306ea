// What the desk reads off the events: the offer's why in one line, the agent's state, the call's state.
import { create } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { AgentState, AgentStateChangedSchema, asDecodedEvent, CallChoice, CallEndedBy, CallEndedSchema, CallOfferedSchema, CallHeldSchema, DecisionRule } from '@switchboard/contracts';
import { describe, expect, it } from 'vitest';
import { deskNews } from './desk-news.ts';

const offer = create(CallOfferedSchema, {
  siteId: 'shenzhen',
  callId: 'c-7',
  queueId: 'general',
  agentId: 'li-na',
  offeredAt: timestampFromMs(Date.parse('2026-11-23T08:00:00Z')),
  decision: { rule: DecisionRule.BEST_SKILL, callChoice: CallChoice.HIGHEST_PRIORITY, candidatesConsidered: 3, callsWaiting: 2, waitedMs: 12_400, priority: 300, overflowPath: ['guangzhou'], passedOver: { busy: 1, notReady: 2 } },
});

describe('desk news', () => {
  it("says in one line why an offer came to the agent", () => {
    expect(deskNews(asDecodedEvent(offer))).toEqual({
      kind: 'offer',
      agentId: 'li-na',
      siteId: 'shenzhen',
      callId: 'c-7',
      queueId: 'general',
      callback: false,
      callbackNumber: '',
      offeredAt: '2026-11-23T08:00:00.000Z',
      decision: expect.objectContaining({
        rule: 'best-skill',
        callChoice: 'highest-priority',
        summary: 'best skill match of 3 ready agents · call highest priority (300) · 2 other calls still waiting · waited 12 s · overflowed from guangzhou · passed over: 1 busy, 2 not ready',
      }),
    });
  });

  it("follows the agent's state and the call's state", () => {
    const wrapUp = create(AgentStateChangedSchema, { agentId: 'li-na', siteId: 'shenzhen', state: AgentState.WRAP_UP, callId: 'c-7', wrapUpEndsAt: timestampFromMs(Date.parse('2026-11-23T08:05:00Z')) });
    expect(deskNews(asDecodedEvent(wrapUp))).toMatchObject({ kind: 'agent-state', state: 'wrap-up', callId: 'c-7', reason: null, wrapUpEndsAt: '2026-11-23T08:05:00.000Z' });
    expect(deskNews(asDecodedEvent(create(CallHeldSchema, { callId: 'c-7' })))).toMatchObject({ kind: 'call-state', state: 'on-hold' });
    expect(deskNews(asDecodedEvent(create(CallEndedSchema, { callId: 'c-7', endedBy: CallEndedBy.CALLER })))).toMatchObject({ state: 'ended', detail: 'the caller hung up' });
  });
});
