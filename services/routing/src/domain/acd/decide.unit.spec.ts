import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AgentState, CallbackOutcome, CallChoice, CustomerTier, DecisionRule, encodeEvent, eventTypeInfo, OverflowReason } from '@switchboard/contracts';
import { decide } from './decide.ts';
import { at, defineQueue, given, only, queueCall, readyAt, registerAgent, registerSite, typesOf, when } from './scenario.ts';

const OFFERED = 'switchboard.routing.v1.CallOffered';
const offers = (events: Parameters<typeof only>[0]) => only(events, OFFERED).map((e) => [e.callId, e.agentId]);

describe('the ACD of a site', () => {
  it('answers a platinum caller before a normal one who came first', () => {
    const s = given(registerSite(), defineQueue('general', { general: 1 }), registerAgent('wang', { general: 5 }), { type: 'LogIn', agentId: 'wang', at: at(0) });
    when(s, queueCall('normal-1', 'general', 0, CustomerTier.NORMAL));
    when(s, queueCall('platinum-1', 'general', 10, CustomerTier.PLATINUM));
    const events = when(s, { type: 'GoReady', agentId: 'wang', at: at(20) });
    expect(offers(events)).toEqual([['platinum-1', 'wang']]);
    expect(only(events, OFFERED)[0]!.decision).toMatchObject({ callChoice: CallChoice.HIGHEST_PRIORITY, callsWaiting: 1, waitedMs: 10_000 });
  });

  it('chooses the best skill, then the longest idle', () => {
    const s = given(
      registerSite(),
      defineQueue('dispatch', { dispatch: 3 }),
      registerAgent('novice', { dispatch: 4 }),
      registerAgent('expert-1', { dispatch: 9 }),
      registerAgent('expert-2', { dispatch: 9 }),
      registerAgent('no-skill', { complaints: 9 }),
      readyAt('novice', 0),
      readyAt('expert-2', 5),
      readyAt('expert-1', 10),
    );
    const first = only(when(s, queueCall('c1', 'dispatch', 20)), OFFERED)[0]!;
    expect(first.agentId).toBe('expert-2');
    expect(first.decision).toMatchObject({
      rule: DecisionRule.LONGEST_IDLE,
      candidates: [
        { agentId: 'expert-2', score: 9, idleMs: 15_000 },
        { agentId: 'expert-1', score: 9, idleMs: 10_000 },
        { agentId: 'novice', score: 4, idleMs: 20_000 },
      ],
      candidatesConsidered: 3,
      passedOver: { lowerScore: 1, shorterIdle: 1, missingSkill: 1 },
    });
    const second = only(when(s, queueCall('c2', 'dispatch', 21)), OFFERED)[0]!;
    expect(second.agentId).toBe('expert-1');
    expect(second.decision).toMatchObject({ rule: DecisionRule.BEST_SKILL, passedOver: { busy: 1, lowerScore: 1, shorterIdle: 0 } });
    expect(only(when(s, queueCall('c3', 'dispatch', 22)), OFFERED)[0]).toMatchObject({ agentId: 'novice', decision: { rule: DecisionRule.ONLY_CANDIDATE } });
  });

  it('reads a call asked before the agent went ready (a late event) as 0 ms idle, and its offer can be recorded', () => {
    // Under a backlog the ACD hears of a call seconds after the caller asked; an agent may have gone ready since.
    const s = given(registerSite(), defineQueue('general', { general: 1 }), registerAgent('wang', { general: 5 }), readyAt('wang', 20));
    const events = when(s, queueCall('late-1', 'general', 15));
    expect(only(events, OFFERED)[0]!.decision!.candidates).toEqual([expect.objectContaining({ agentId: 'wang', idleMs: 0 })]);
    for (const event of events) expect(() => encodeEvent(eventTypeInfo(event.$typeName)!.schema as never, event as never, { eventId: randomUUID(), streamId: 'acd-site-t', streamVersion: 1, occurredAt: new Date() })).not.toThrow();
  });

  describe('a key account with a named agent', () => {
    const keyAccount = (seconds: number) => queueCall('key-1', 'general', seconds, CustomerTier.GOLD, { preferredAgentId: 'li', preferredTimeoutMs: 30_000 });
    const setup = () =>
      given(registerSite(), defineQueue('general', { general: 1 }), registerAgent('li', { general: 3 }), registerAgent('zhao', { general: 8 }), readyAt('zhao', 0));

    it('goes to the named agent even when a better-skilled agent has waited longer', () => {
      const s = setup();
      for (const c of readyAt('li', 5)) when(s, c);
      const offered = only(when(s, keyAccount(10)), OFFERED)[0]!;
      expect(offered.agentId).toBe('li');
      expect(offered.decision).toMatchObject({ rule: DecisionRule.PREFERRED_AGENT, passedOver: { notPreferred: 1 } });
    });

    it('waits for the named agent until the timeout, then anyone takes it', () => {
      const s = setup();
      when(s, { type: 'LogIn', agentId: 'li', at: at(0) });
      expect(typesOf(when(s, keyAccount(10)))).toEqual(['CallQueued']);
      expect(when(s, { type: 'Tick', at: at(39) })).toEqual([]);
      const events = when(s, { type: 'Tick', at: at(40) });
      expect(typesOf(events)).toEqual(['PreferredAgentTimedOut', 'CallOffered', 'AgentStateChanged']);
      expect(only(events, OFFERED)[0]).toMatchObject({ agentId: 'zhao', decision: { waitedForPreferredMs: 30_000, waitedMs: 30_000 } });
    });

    it('goes to the named agent who becomes free within the timeout', () => {
      const s = setup();
      when(s, { type: 'LogIn', agentId: 'li', at: at(0) });
      when(s, keyAccount(10));
      const offered = only(when(s, { type: 'GoReady', agentId: 'li', at: at(25) }), OFFERED)[0]!;
      expect(offered).toMatchObject({ agentId: 'li', decision: { rule: DecisionRule.PREFERRED_AGENT, callChoice: CallChoice.PREFERRED_AGENT, waitedForPreferredMs: 15_000 } });
    });
  });

  it('re-queues an unanswered call at the head, and the second no-answer sets the agent not ready', () => {
    const s = given(registerSite(), defineQueue('general', { general: 1 }), registerAgent('wang', { general: 5 }), registerAgent('chen', { general: 5 }), readyAt('wang', 0));
    when(s, queueCall('first', 'general', 1));
    when(s, queueCall('second', 'general', 2));
    const once = when(s, { type: 'RecordNoAnswer', callId: 'first', agentId: 'wang', at: at(16) });
    expect(typesOf(once)).toEqual(['OfferNotAnswered', 'CallRequeued', 'AgentStateChanged', 'CallOffered', 'AgentStateChanged']);
    expect(only(once, OFFERED)[0]).toMatchObject({ callId: 'first', agentId: 'wang', decision: { noAnswers: 1 } });
    const twice = when(s, { type: 'RecordNoAnswer', callId: 'first', agentId: 'wang', at: at(31) });
    expect(typesOf(twice)).toEqual(['OfferNotAnswered', 'CallRequeued', 'AgentStateChanged']);
    expect(only(twice, 'switchboard.routing.v1.OfferNotAnswered')[0]!.consecutiveNoAnswers).toBe(2);
    expect(only(twice, 'switchboard.routing.v1.AgentStateChanged')[0]).toMatchObject({ state: AgentState.NOT_READY, reasonCode: 'no-answer' });
    expect(readyAt('chen', 40).flatMap((c) => offers(when(s, c)))).toEqual([['first', 'chen']]);
  });

  it('takes back an offer nobody reported on after 60 s, as a ring-out: the caller to the head of the line, the agent missed it', () => {
    const s = given(registerSite(), defineQueue('general', { general: 1 }), registerAgent('wang', { general: 5 }), registerAgent('chen', { general: 5 }), readyAt('wang', 0));
    expect(offers(when(s, queueCall('first', 'general', 1)))).toEqual([['first', 'wang']]);
    // The switch refused the ring, or never said it rang out: wang stays reserved, the caller waits.
    expect(when(s, { type: 'Tick', at: at(60) })).toEqual([]);
    const timedOut = when(s, { type: 'Tick', at: at(61) });
    expect(typesOf(timedOut)).toEqual(['OfferNotAnswered', 'CallRequeued', 'AgentStateChanged', 'CallOffered', 'AgentStateChanged']);
    expect(only(timedOut, 'switchboard.routing.v1.OfferNotAnswered')[0]).toMatchObject({ callId: 'first', agentId: 'wang', consecutiveNoAnswers: 1 });
    // wang is the only ready agent again: the call rings her once more, timed afresh.
    expect(only(timedOut, OFFERED)[0]).toMatchObject({ callId: 'first', agentId: 'wang', decision: { noAnswers: 1 } });
    expect(when(s, { type: 'Tick', at: at(120) })).toEqual([]);
    // Answered in time: the timer goes with the offer.
    when(s, { type: 'AcceptOffer', callId: 'first', agentId: 'wang', at: at(100) });
    expect(when(s, { type: 'Tick', at: at(200) })).toEqual([]);
  });

  it("does not time a callback's dial: reaching the customer is the desk's to record", () => {
    const s = given(registerSite(), defineQueue('general', { general: 1 }), registerAgent('wang', { general: 5 }));
    when(s, queueCall('cb', 'general', 1, CustomerTier.NORMAL, { callbackNumber: '+8613812345678' }));
    expect(typesOf(readyAt('wang', 2).flatMap((c) => when(s, c)))).toContain('CallbackOffered');
    expect(when(s, { type: 'Tick', at: at(600) })).toEqual([]);
  });

  describe('overflow', () => {
    const complaints = defineQueue('complaints', { complaints: 5 }, { overflowThresholdMs: 60_000, overflowChain: [{ siteId: 'hq', queueId: 'complaints' }] });

    it('after the wait threshold names the next step of the chain', () => {
      const s = given(registerSite(), complaints, registerAgent('wu', { complaints: 7 }), { type: 'LogIn', agentId: 'wu', at: at(0) });
      when(s, queueCall('c1', 'complaints', 0, CustomerTier.GOLD, { urgency: 20 }));
      expect(when(s, { type: 'Tick', at: at(59) })).toEqual([]);
      const [overflowed, ...rest] = when(s, { type: 'Tick', at: at(60) });
      expect(rest).toEqual([]);
      expect(overflowed).toMatchObject({
        $typeName: 'switchboard.routing.v1.CallOverflowed',
        reason: OverflowReason.WAIT_THRESHOLD,
        to: { siteId: 'hq', queueId: 'complaints' },
        waitedMs: 60_000,
        tier: CustomerTier.GOLD,
        urgency: 20,
        overflowPath: ['sz/complaints'],
      });
    });

    it('at once when nobody logged in could ever take the call', () => {
      const s = given(registerSite(), complaints, registerAgent('wu', { general: 7 }), readyAt('wu', 0));
      expect(typesOf(when(s, queueCall('c1', 'complaints', 1)))).toEqual(['CallQueued', 'CallOverflowed']);
    });

    it('to a queue of the same site queues the call there, where a ready agent takes it', () => {
      const s = given(
        registerSite(),
        defineQueue('hq-complaints', { general: 1 }),
        defineQueue('complaints', { complaints: 5 }, { overflowThresholdMs: 60_000, overflowChain: [{ siteId: 'sz', queueId: 'hq-complaints' }] }),
        registerAgent('wu', { complaints: 7 }),
        registerAgent('he', { general: 2 }),
        { type: 'LogIn', agentId: 'wu', at: at(0) },
      );
      when(s, queueCall('c1', 'complaints', 0));
      for (const c of readyAt('he', 1)) when(s, c);
      const events = when(s, { type: 'Tick', at: at(61) });
      expect(typesOf(events)).toEqual(['CallOverflowed', 'CallQueued', 'CallOffered', 'AgentStateChanged']);
      expect(only(events, OFFERED)[0]).toMatchObject({ queueId: 'hq-complaints', agentId: 'he', decision: { overflowPath: ['sz/complaints'], waitedMs: 61_000 } });
    });
  });

  it('keeps a callback in its place and records how the dialling went', () => {
    const s = given(registerSite(), defineQueue('general', { general: 1 }), registerAgent('wang', { general: 5 }), { type: 'LogIn', agentId: 'wang', at: at(0) });
    when(s, queueCall('first', 'general', 0));
    when(s, queueCall('second', 'general', 5));
    expect(typesOf(when(s, { type: 'ScheduleCallback', callId: 'first', callbackNumber: '+8675512345678', at: at(30) }))).toEqual(['CallbackScheduled']);
    const events = when(s, { type: 'GoReady', agentId: 'wang', at: at(60) });
    expect(only(events, 'switchboard.routing.v1.CallbackOffered')[0]).toMatchObject({ callId: 'first', agentId: 'wang', callbackNumber: '+8675512345678' });
    when(s, { type: 'AcceptOffer', callId: 'first', agentId: 'wang', at: at(62) });
    const ended = when(s, { type: 'EndCall', callId: 'first', callbackOutcome: 'reached', at: at(120) });
    expect(only(ended, 'switchboard.routing.v1.CallCompleted')[0]).toMatchObject({ callbackOutcome: CallbackOutcome.REACHED, talkMs: 58_000 });
    expect(offers(ended)).toEqual([['second', 'wang']]);
  });

  it('explains in the offer why a platinum caller waited 90 s', () => {
    const s = given(
      registerSite(1),
      defineQueue('vip', { general: 1 }, { wrapUpMs: 30_000 }),
      registerAgent('li', { general: 9 }),
      registerAgent('zhao', { general: 5 }),
      registerAgent('sun', { general: 5 }),
      readyAt('zhao', 0),
      readyAt('sun', 0),
      { type: 'LogIn', agentId: 'li', at: at(0) },
    );
    when(s, queueCall('busy-1', 'vip', 0));
    when(s, queueCall('busy-2', 'vip', 0));
    when(s, { type: 'AcceptOffer', callId: 'busy-1', agentId: 'zhao', at: at(1) });
    when(s, { type: 'AcceptOffer', callId: 'busy-2', agentId: 'sun', at: at(1) });
    when(s, queueCall('platinum', 'vip', 0, CustomerTier.PLATINUM, { preferredAgentId: 'li', preferredTimeoutMs: 30_000 }));
    when(s, { type: 'Tick', at: at(30) }); // li never came: anyone may take it now
    when(s, { type: 'EndCall', callId: 'busy-1', at: at(30) }); // zhao wraps up until 60 s
    expect(offers(when(s, { type: 'Tick', at: at(60) }))).toEqual([['platinum', 'zhao']]);
    when(s, { type: 'RecordNoAnswer', callId: 'platinum', agentId: 'zhao', at: at(75) }); // zhao set not ready
    when(s, { type: 'EndCall', callId: 'busy-2', at: at(60) });
    const offered = only(when(s, { type: 'Tick', at: at(90) }), OFFERED)[0]!;
    expect(offered).toMatchObject({ callId: 'platinum', agentId: 'sun' });
    expect(offered.decision).toMatchObject({
      rule: DecisionRule.ONLY_CANDIDATE,
      waitedMs: 90_000,
      waitedForPreferredMs: 30_000,
      noAnswers: 1,
      priority: 300,
      passedOver: { notReady: 2, busy: 0, loggedOut: 0, missingSkill: 0 },
    });
  });

  it('refuses what it cannot do, saying why', () => {
    const s = given(registerSite(), defineQueue('general', { general: 1 }), registerAgent('wang', { general: 5 }));
    expect(decide(queueCall('c1', 'nowhere', 0), s.state)).toMatchObject({ rejected: { code: 'unknown-queue' } });
    expect(decide({ type: 'GoReady', agentId: 'wang', at: at(0) }, s.state)).toMatchObject({ rejected: { code: 'wrong-state' } });
    expect(decide({ type: 'AcceptOffer', callId: 'c9', agentId: 'wang', at: at(0) }, s.state)).toMatchObject({ rejected: { code: 'unknown-call' } });
    expect(decide(defineQueue('loop', {}, { overflowChain: [{ siteId: 'sz', queueId: 'loop' }] }), s.state)).toEqual({
      rejected: { code: 'invalid', message: 'queue loop: its overflow chain leads back to itself' },
    });
    expect(decide(registerAgent('x', { general: 11 }), s.state)).toMatchObject({ rejected: { code: 'invalid' } });
    expect(decide(queueCall('c1', 'general', 0), given().state)).toMatchObject({ rejected: { code: 'unknown-site' } });
  });
});
