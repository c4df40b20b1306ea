// The ACD's rules for one site: every command gives events (offers carry their why) or a rejection, never a throw.
import { create } from '@bufbuild/protobuf';
import {
  AgentRegisteredSchema,
  CallAbandonedSchema,
  CallbackOutcome,
  CallbackScheduledSchema,
  CallCompletedSchema,
  CallRequeuedSchema,
  OfferAcceptedSchema,
  OfferNotAnsweredSchema,
  OverflowReason,
  PreferredAgentTimedOutSchema,
  QueueDefinedSchema,
  SiteRegisteredSchema,
  type EventMessage,
} from '@switchboard/contracts';
import type { Decider } from '@switchboard/event-store';
import type { AcdCommand, AcdRejection } from './commands.ts';
import { dispatch, overflow, queueCall } from './dispatch.ts';
import { changeAgent, elapsedMs, nobodyLoggedIn, preferenceHolds, startDraft, statusNow, ts, type Draft } from './draft.ts';
import { evolve } from './evolve.ts';
import { ringTimerOf } from './timers.ts';
import { validateAgent, validateQueue } from './validation.ts';
import { initialState, MAX_URGENCY, type Agent, type Call, type RegisteredSite, type SiteRouting } from './state.ts';

type Decision = readonly EventMessage[] | { readonly rejected: AcdRejection };

const reject = (code: AcdRejection['code'], message: string): { readonly rejected: AcdRejection } => ({ rejected: { code, message } as AcdRejection });

export function decide(command: AcdCommand, state: SiteRouting): Decision {
  if (command.type === 'RegisterSite') {
    return [
      create(SiteRegisteredSchema, {
        siteId: command.siteId,
        name: command.name,
        city: command.city,
        timezone: command.timezone,
        isHeadquarters: command.isHeadquarters,
        noAnswerLimit: command.noAnswerLimit ?? 0,
      }),
    ];
  }
  if (state.status !== 'registered') return reject('unknown-site', 'the site is not registered yet: register it before its queues, agents and calls');
  return decideForSite(command, state);
}

function decideForSite(command: Exclude<AcdCommand, { type: 'RegisterSite' }>, site: RegisteredSite): Decision {
  switch (command.type) {
    case 'DefineQueue': {
      const invalid = validateQueue(site.siteId, command);
      if (invalid !== undefined) return reject('invalid', invalid);
      return [
        create(QueueDefinedSchema, {
          siteId: site.siteId,
          queueId: command.queueId,
          name: command.name,
          requiredSkills: command.requiredSkills.map((r) => ({ skill: r.skill, minLevel: r.minLevel })),
          overflowThresholdMs: command.overflowThresholdMs,
          overflowChain: command.overflowChain.map((s) => ({ siteId: s.siteId, queueId: s.queueId })),
          wrapUpMs: command.wrapUpMs,
        }),
      ];
    }
    case 'RegisterAgent': {
      const invalid = validateAgent(command);
      if (invalid !== undefined) return reject('invalid', invalid);
      return [create(AgentRegisteredSchema, { siteId: site.siteId, agentId: command.agentId, name: command.name, skills: command.skills.map((s) => ({ ...s })) })];
    }
    case 'LogIn':
      return withAgent(site, command.agentId, command.at, (d, agent) => {
        if (agent.presence.status !== 'logged-out') return undefined;
        changeAgent(d, agent, 'not-ready', { reason: 'logged-in' });
        return undefined;
      });
    case 'GoReady':
      return withAgent(site, command.agentId, command.at, (d, agent) => {
        const status = agent.presence.status;
        if (status === 'ready') return undefined;
        if (status !== 'not-ready' && status !== 'wrap-up') return reject('wrong-state', `agent ${agent.agentId} is ${status}: only a not-ready or wrapping-up agent goes ready`);
        changeAgent(d, agent, 'ready');
        return undefined;
      });
    case 'FinishWrapUp':
      return withAgent(site, command.agentId, command.at, (d, agent) => {
        if (agent.presence.status !== 'wrap-up') return reject('wrong-state', `agent ${agent.agentId} is ${agent.presence.status}, not wrapping up`);
        changeAgent(d, agent, 'ready');
        return undefined;
      });
    case 'GoNotReady':
      return withAgent(site, command.agentId, command.at, (d, agent) => {
        if (command.reason.trim() === '') return reject('invalid', 'a not-ready agent needs a reason code (like "break" or "training")');
        const presence = agent.presence;
        if (presence.status === 'not-ready' && presence.reason === command.reason) return undefined;
        if (presence.status === 'logged-out' || presence.status === 'reserved' || presence.status === 'on-call') {
          return reject('wrong-state', `agent ${agent.agentId} is ${presence.status}: finish or refuse the call first`);
        }
        changeAgent(d, agent, 'not-ready', { reason: command.reason });
        return undefined;
      });
    case 'LogOut':
      return withAgent(site, command.agentId, command.at, (d, agent) => {
        const status = agent.presence.status;
        if (status === 'logged-out') return undefined;
        if (status === 'reserved' || status === 'on-call') return reject('wrong-state', `agent ${agent.agentId} is ${status}: finish the call first`);
        changeAgent(d, agent, 'logged-out');
        overflowUnstaffedQueues(d, agent);
        return undefined;
      });
    case 'QueueCall':
      return queueNewCall(site, command);
    case 'AcceptOffer':
      return withOffer(site, command, (d, call, agent) => {
        d.events.push(create(OfferAcceptedSchema, { siteId: site.siteId, callId: call.callId, agentId: agent.agentId, acceptedAt: ts(d.at) }));
        changeAgent(d, agent, 'on-call', { callId: call.callId });
      });
    case 'RecordNoAnswer':
      return withOffer(site, command, ringOut);
    case 'AbandonCall':
      return withCall(site, command.callId, command.at, (d, call) => {
        if (call.phase.status === 'connected') return reject('wrong-state', `call ${call.callId} is connected to agent ${call.phase.agentId}: end it instead`);
        d.events.push(create(CallAbandonedSchema, { siteId: site.siteId, callId: call.callId, queueId: call.queueId, waitedMs: elapsedMs(call.arrivedAt, d.at), at: ts(d.at) }));
        d.gone.add(call);
        if (call.phase.status === 'offered') {
          const agent = site.agents.get(call.phase.agentId);
          if (agent !== undefined) changeAgent(d, agent, 'ready');
        }
        return undefined;
      });
    case 'ScheduleCallback':
      return withCall(site, command.callId, command.at, (d, call) => {
        if (call.phase.status !== 'waiting' || call.callbackNumber !== undefined) {
          return reject('wrong-state', `call ${call.callId} is not waiting on hold: only a waiting caller can ask for a callback`);
        }
        if (!E164.test(command.callbackNumber)) {
          return reject('invalid', `callback number ${JSON.stringify(command.callbackNumber)} is not in E.164 form (like +8613812345678)`);
        }
        d.events.push(create(CallbackScheduledSchema, { siteId: site.siteId, callId: call.callId, queueId: call.queueId, callbackNumber: command.callbackNumber, at: ts(d.at) }));
        return undefined;
      });
    case 'EndCall':
      return withCall(site, command.callId, command.at, (d, call) => {
        if (call.phase.status !== 'connected') return reject('wrong-state', `call ${call.callId} is ${call.phase.status}, not connected to an agent`);
        const agent = site.agents.get(call.phase.agentId);
        const queue = site.queues.get(call.queueId);
        const outcome =
          call.callbackNumber === undefined
            ? CallbackOutcome.UNSPECIFIED
            : command.callbackOutcome === 'not-reached'
              ? CallbackOutcome.NOT_REACHED
              : CallbackOutcome.REACHED;
        d.events.push(
          create(CallCompletedSchema, {
            siteId: site.siteId,
            callId: call.callId,
            queueId: call.queueId,
            agentId: call.phase.agentId,
            talkMs: elapsedMs(call.phase.since, d.at),
            callbackOutcome: outcome,
            at: ts(d.at),
          }),
        );
        d.gone.add(call);
        if (agent === undefined) return undefined;
        const wrapUpMs = queue?.wrapUpMs ?? 0;
        if (wrapUpMs > 0) changeAgent(d, agent, 'wrap-up', { callId: call.callId, wrapUpEndsAt: d.at + wrapUpMs });
        else changeAgent(d, agent, 'ready');
        return undefined;
      });
    case 'Tick':
      return tick(site, command.at);
    default: {
      const never: never = command;
      throw new Error(`unknown ACD command ${JSON.stringify(never)}`);
    }
  }
}

/** Runs `rules` in a draft, then matches whatever became free or offerable. */
function inDraft(site: RegisteredSite, at: number, rules: (d: Draft) => { readonly rejected: AcdRejection } | undefined): Decision {
  const d = startDraft(site, at);
  const rejected = rules(d);
  if (rejected !== undefined) return rejected;
  dispatch(d);
  return d.events;
}

function withAgent(site: RegisteredSite, agentId: string, at: number, rules: (d: Draft, agent: Agent) => { readonly rejected: AcdRejection } | undefined): Decision {
  const agent = site.agents.get(agentId);
  if (agent === undefined) return reject('unknown-agent', `no agent ${agentId} at site ${site.siteId}`);
  return inDraft(site, at, (d) => rules(d, agent));
}

function withCall(site: RegisteredSite, callId: string, at: number, rules: (d: Draft, call: Call) => { readonly rejected: AcdRejection } | undefined): Decision {
  const call = site.calls.get(callId);
  if (call === undefined) return reject('unknown-call', `no call ${callId} at site ${site.siteId} (it may have ended or overflowed)`);
  return inDraft(site, at, (d) => rules(d, call));
}

function withOffer(site: RegisteredSite, command: { readonly callId: string; readonly agentId: string; readonly at: number }, rules: (d: Draft, call: Call, agent: Agent) => void): Decision {
  return withCall(site, command.callId, command.at, (d, call) => {
    const agent = site.agents.get(command.agentId);
    if (call.phase.status !== 'offered' || call.phase.agentId !== command.agentId || agent === undefined) {
      return reject('wrong-state', `call ${call.callId} is not being offered to agent ${command.agentId}`);
    }
    rules(d, call, agent);
    return undefined;
  });
}

const E164 = /^\+[1-9]\d{6,14}$/;

function queueNewCall(site: RegisteredSite, command: Extract<AcdCommand, { type: 'QueueCall' }>): Decision {
  const queue = site.queues.get(command.queueId);
  if (queue === undefined) return reject('unknown-queue', `no queue ${command.queueId} at site ${site.siteId}`);
  if (site.calls.has(command.callId)) return reject('duplicate-call', `call ${command.callId} is already at site ${site.siteId}`);
  if (!Number.isInteger(command.urgency) || command.urgency < 0 || command.urgency > MAX_URGENCY) {
    return reject('invalid', `urgency ${command.urgency} is not a whole number from 0 to ${MAX_URGENCY}`);
  }
  if (command.callbackNumber !== undefined && !E164.test(command.callbackNumber)) {
    return reject('invalid', `callback number ${JSON.stringify(command.callbackNumber)} is not in E.164 form (like +8613812345678)`);
  }
  const timeout = command.preferredTimeoutMs ?? 0;
  // A named agent who left the site should not hold a caller: the call goes to anyone.
  const named = command.preferredAgentId !== undefined && timeout > 0 && site.agents.has(command.preferredAgentId);
  return inDraft(site, command.at, (d) => {
    queueCall(d, {
      callId: command.callId,
      queue,
      tier: command.tier,
      urgency: command.urgency,
      preference: named ? { agentId: command.preferredAgentId!, until: command.at + timeout } : undefined,
      arrivedAt: command.arrivedAt ?? command.at,
      overflowPath: command.overflowPath ?? [],
      ...(command.callbackNumber === undefined ? {} : { callbackNumber: command.callbackNumber }),
    });
    return undefined;
  });
}

/** The last skilled agent logging out leaves the queue's callers waiting for nobody: they move along the chain. */
function overflowUnstaffedQueues(d: Draft, agent: Agent): void {
  for (const queueId of agent.eligibility.keys()) {
    const queue = d.site.queues.get(queueId)!;
    if (!nobodyLoggedIn(d, queue)) continue;
    for (const call of [...queue.waiting]) if (call.callbackNumber === undefined) overflow(d, call, OverflowReason.NO_AGENT_LOGGED_IN);
  }
}

/** The offer rang out (the switch said so, or the ACD's own ring timer ran out): the call goes back to the head of its line. */
function ringOut(d: Draft, call: Call, agent: Agent): void {
  const site = d.site;
  const consecutive = agent.consecutiveNoAnswers + 1;
  d.events.push(create(OfferNotAnsweredSchema, { siteId: site.siteId, callId: call.callId, agentId: agent.agentId, consecutiveNoAnswers: consecutive, at: ts(d.at) }));
  d.events.push(create(CallRequeuedSchema, { siteId: site.siteId, callId: call.callId, queueId: call.queueId, at: ts(d.at) }));
  // Back in its old place: the head of the line for its priority.
  const named = call.preference?.agentId === agent.agentId;
  d.fresh.push({ ...call, phase: { status: 'waiting' }, noAnswers: call.noAnswers + 1, preference: named ? undefined : call.preference });
  if (consecutive >= site.noAnswerLimit) changeAgent(d, agent, 'not-ready', { reason: 'no-answer' });
  else changeAgent(d, agent, 'ready');
}

function tick(site: RegisteredSite, at: number): Decision {
  const d = startDraft(site, at);
  for (const timer of site.timers) {
    if (timer.at > at) break;
    if (timer.kind === 'wrap-up') {
      const agent = site.agents.get(timer.id);
      if (agent !== undefined && statusNow(d, agent) === 'wrap-up') changeAgent(d, agent, 'ready');
      continue;
    }
    if (timer.kind === 'ring') {
      // Still ringing the same offer since the timer was set: nobody said whether it rang, so it rang out.
      const call = site.calls.get(timer.id);
      if (call === undefined || d.gone.has(call) || call.phase.status !== 'offered' || ringTimerOf(call.callId, call.phase.since).at !== timer.at) continue;
      const agent = site.agents.get(call.phase.agentId);
      if (agent !== undefined) ringOut(d, call, agent);
      continue;
    }
    const call = site.calls.get(timer.id);
    if (call === undefined || call.phase.status !== 'waiting' || d.gone.has(call)) continue;
    if (timer.kind === 'preference' && call.preference !== undefined && !preferenceHolds(d, call)) {
      d.events.push(create(PreferredAgentTimedOutSchema, { siteId: site.siteId, callId: call.callId, agentId: call.preference.agentId, at: ts(at) }));
      d.opened.add(call.callId);
    } else if (timer.kind === 'overflow') {
      overflow(d, call, OverflowReason.WAIT_THRESHOLD);
    }
  }
  dispatch(d);
  return d.events;
}

export const acdDecider: Decider<AcdCommand, SiteRouting, AcdRejection> = { initialState, evolve, decide };
