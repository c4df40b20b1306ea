// The agent desk's actions: state changes at routing, call control at telephony, the wrap-up recorded here then ended at routing.
import { CallChoice, DecisionRule } from '@switchboard/contracts';
import { handleCommand, type AppendOptions, type EventStore, type Sql } from '@switchboard/event-store';
import { ProblemError } from '@switchboard/service-kit';
import type { ServiceClient } from '../adapters/services/service-client.ts';
import { decisionSummary } from '../domain/desk/desk-news.ts';
import { handoverDecider, handoversOf, handoverStream, type Handover } from '../domain/handover/handover.ts';
import { dispositions, wrapUpDecider, wrapUpStream } from '../domain/wrap-up/wrap-up.ts';
import { deskCall } from './desk-feed.ts';

export interface DeskOptions {
  readonly routing: ServiceClient;
  readonly telephony: ServiceClient;
  readonly store: EventStore;
  readonly sql: Sql;
  readonly appendOptions: (siteId: string) => AppendOptions;
  readonly clock?: () => Date;
}

/** Who is acting: the agent, at a site, with the token the other services check. */
export interface AtDesk {
  readonly agentId: string;
  readonly siteId: string;
  readonly personId: string;
  /** The agent's name as colleagues see it (on a handover). */
  readonly name: string;
  readonly token: string;
}

/** What the agent hands over with a transfer: what they had on screen. */
export interface HandoverContext {
  readonly notes: string;
  readonly form: Readonly<Record<string, string>>;
  readonly customerId: string;
}

export type AgentStateChange = { readonly state: 'logged-in' | 'ready' | 'not-ready' | 'logged-out'; readonly reason?: string };
export type CallAction = 'hold' | 'resume' | 'hangup';

/** Routing's desk read (GET /acd/sites/:siteId/agents/:agentId), the parts the desk shows. */
interface RoutingAgent {
  readonly state: string;
  readonly reason: string | null;
  readonly callId: string | null;
  readonly offer: { readonly callId: string; readonly queueId: string; readonly callback: boolean; readonly offeredAt: string | null; readonly decision: Record<string, unknown> } | null;
}

const enc = encodeURIComponent;
/** How long an answer waits for telephony to learn of the offer routing made. */
const ANSWER_PATIENCE_MS = 5_000;

export function agentDesk(options: DeskOptions) {
  const { routing, telephony } = options;
  const clock = options.clock ?? (() => new Date());
  const agentPath = (d: AtDesk) => `/acd/sites/${enc(d.siteId)}/agents/${enc(d.agentId)}`;
  const routingAgent = (d: AtDesk) => routing<RoutingAgent>({ method: 'GET', path: agentPath(d), token: d.token });
  /** Every transfer of the call so far, from its handover stream. */
  const handoversOfCall = async (callId: string) => handoversOf((await options.store.load(handoverStream(callId))).map((e) => e.event));

  /**
   * Asks the switch to bridge the call. Routing's offer reaches the desk and telephony by two paths; an agent who
   * answers at once may be faster than telephony learning of the offer, so while routing still offers this call to
   * this agent, telephony's "not offered to you (nor to anyone yet)" is waited out for a few seconds.
   */
  async function answerWhenTelephonyKnows(d: AtDesk, callId: string): Promise<Record<string, unknown>> {
    const giveUpAt = Date.now() + ANSWER_PATIENCE_MS;
    for (;;) {
      try {
        return await telephony({ method: 'POST', path: `/calls/${enc(callId)}/answer`, body: { agentId: d.agentId }, token: d.token });
      } catch (error) {
        const notYet = error instanceof ProblemError && ((error.status === 409 && error.code === 'call-not-your-call') || (error.status === 404 && error.code === 'call-not-found'));
        if (!notYet || Date.now() >= giveUpAt || (await routingAgent(d)).offer?.callId !== callId) throw error;
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    }
  }

  return {
    /** What the desk shows on opening: the agent's state at routing, the offer and why, and the call as the desk knows it. */
    async view(d: AtDesk) {
      const agent = await routingAgent(d);
      const call = agent.callId === null ? undefined : await deskCall(options.sql, agent.callId);
      const offer =
        agent.offer === null
          ? null
          : { ...agent.offer, siteId: d.siteId, callingNumber: call?.calling_number ?? '', decision: { ...agent.offer.decision, summary: summaryOf(agent.offer.decision) } };
      return {
        siteId: d.siteId,
        agentId: d.agentId,
        state: agent.state,
        reason: agent.reason,
        callId: agent.callId,
        offer,
        call: call === undefined ? null : { callId: call.call_id, state: call.state, detail: call.detail, callingNumber: call.calling_number },
      };
    },

    setState: (d: AtDesk, change: AgentStateChange) => routing({ method: 'POST', path: `${agentPath(d)}/state`, body: change, token: d.token }),

    /** The switch bridges the caller to the agent; routing records the offer accepted (unless it already followed the switch). */
    async answer(d: AtDesk, callId: string) {
      const answered = await answerWhenTelephonyKnows(d, callId);
      try {
        await routing({ method: 'POST', path: `/acd/sites/${enc(d.siteId)}/calls/${enc(callId)}/accept`, body: { agentId: d.agentId }, token: d.token });
      } catch (error) {
        if (!(error instanceof ProblemError && error.status === 409)) throw error;
        const agent = await routingAgent(d);
        if (!(agent.state === 'on-call' && agent.callId === callId)) throw error;
      }
      return answered;
    },

    control: (d: AtDesk, callId: string, action: CallAction) =>
      telephony({ method: 'POST', path: `/calls/${enc(callId)}/${action}`, body: { agentId: d.agentId }, token: d.token }),

    /**
     * Records what the agent hands over (CallHandedOver), then asks the switch to transfer. The handover is written
     * first so it is there before the call can ring at the next desk; a transfer the switch then refuses leaves it
     * as the call's latest context, which the next transfer replaces.
     */
    async transfer(d: AtDesk, callId: string, target: string, context: HandoverContext) {
      const call = await deskCall(options.sql, callId);
      if (call === undefined || call.agent_id !== d.agentId) {
        throw new ProblemError({ status: 409, code: 'not-your-call', title: 'Not your call', detail: `call ${callId} is not on your desk (${d.agentId}); you can transfer only the call you are on` });
      }
      const command = {
        type: 'HandOverCall',
        callId,
        siteId: d.siteId,
        fromAgentId: d.agentId,
        fromName: d.name,
        handedOverBy: d.personId,
        target,
        callingNumber: call.calling_number,
        customerId: context.customerId,
        notes: context.notes,
        form: context.form,
        at: clock().getTime(),
      } as const;
      const recorded = await handleCommand(options.store, handoverDecider, handoverStream(callId), command, { ...options.appendOptions(d.siteId), key: callId });
      if (!recorded.ok) throw new ProblemError({ status: 422, code: 'handover-invalid', title: 'The handover cannot be sent', detail: recorded.rejected.message });
      const sent = await telephony<Record<string, unknown>>({ method: 'POST', path: `/calls/${enc(callId)}/transfer`, body: { agentId: d.agentId, target }, token: d.token });
      return { ...sent, handoverHop: recorded.state.length };
    },

    /**
     * What earlier agents handed over with this call, the latest last: for the agent the call is offered to or who
     * is on it now, and for an agent who handed it over.
     */
    async handovers(d: AtDesk, callId: string): Promise<{ readonly callId: string; readonly handovers: Handover[] }> {
      const handovers = await handoversOfCall(callId);
      const call = await deskCall(options.sql, callId);
      // The desk's own row may lag the offer it was pushed (the push goes out as the offer is recorded), so
      // routing's word that the call is offered to or held by this agent counts too.
      const mine =
        call?.agent_id === d.agentId ||
        handovers.some((h) => h.fromAgentId === d.agentId) ||
        (await routingAgent(d).then((a) => a.offer?.callId === callId || a.callId === callId, () => false));
      if (!mine) {
        throw new ProblemError({ status: 404, code: 'call-not-yours', title: 'Not your call', detail: `call ${callId} has not come to your desk (${d.agentId}); its handover is for the agent who takes it` });
      }
      return { callId, handovers: [...handovers] };
    },

    /** Records the wrap-up (WrapUpRecorded), then tells routing the agent is done, so the next call can come. */
    async wrapUp(d: AtDesk, callId: string, disposition: string, notes: string) {
      const call = await deskCall(options.sql, callId);
      // A call the agent transferred has moved on to the next desk; its wrap-up is still the first agent's.
      const handedOver = async () => (await handoversOfCall(callId)).some((h) => h.fromAgentId === d.agentId);
      if (call === undefined || (call.agent_id !== d.agentId && !(await handedOver()))) {
        throw new ProblemError({ status: 404, code: 'call-not-yours', title: 'Not your call', detail: `call ${callId} was not offered to you (${d.agentId}); wrap up the call you had` });
      }
      const command = { type: 'RecordWrapUp', callId, agentId: d.agentId, siteId: d.siteId, disposition, notes, recordedBy: d.personId, at: clock().getTime() } as const;
      const result = await handleCommand(options.store, wrapUpDecider, wrapUpStream(callId, d.agentId), command, options.appendOptions(d.siteId));
      if (!result.ok) {
        throw new ProblemError({ status: result.rejected.code === 'already-recorded' ? 409 : 422, code: `wrap-up-${result.rejected.code}`, detail: result.rejected.message });
      }
      let agentState = 'wrap-up';
      try {
        await routing({ method: 'POST', path: `${agentPath(d)}/wrap-up-done`, token: d.token });
        agentState = (await routingAgent(d)).state;
      } catch (error) {
        // The wrap-up timer ended first: the agent is already out of wrap-up, and the record stands.
        if (!(error instanceof ProblemError && error.status === 409)) throw error;
        agentState = (await routingAgent(d)).state;
      }
      return { recorded: true, disposition, agentState };
    },

    dispositions: () => dispositions.map((d) => ({ code: d.code, label: d.label })),
  };
}

export type AgentDesk = ReturnType<typeof agentDesk>;

/** The routing API's decision view, read back into the one-line why the pushed offers carry. */
function summaryOf(d: Record<string, unknown>): string {
  const n = (k: string) => (typeof d[k] === 'number' ? (d[k] as number) : 0);
  const passed = (d['passedOver'] ?? {}) as Record<string, number>;
  const rules: Record<string, DecisionRule> = { 'preferred-agent': DecisionRule.PREFERRED_AGENT, 'best-skill': DecisionRule.BEST_SKILL, 'longest-idle': DecisionRule.LONGEST_IDLE, 'only-candidate': DecisionRule.ONLY_CANDIDATE };
  const choices: Record<string, CallChoice> = { 'first-in-line': CallChoice.FIRST_IN_LINE, 'highest-priority': CallChoice.HIGHEST_PRIORITY, 'longest-waiting': CallChoice.LONGEST_WAITING, 'preferred-agent': CallChoice.PREFERRED_AGENT };
  return decisionSummary({
    rule: rules[String(d['rule'])] ?? DecisionRule.UNSPECIFIED,
    callChoice: choices[String(d['callChoice'])] ?? CallChoice.UNSPECIFIED,
    candidatesConsidered: n('candidatesConsidered'),
    callsWaiting: n('callsWaiting'),
    waitedMs: n('waitedMs'),
    noAnswers: n('noAnswers'),
    priority: n('priority'),
    overflowPath: Array.isArray(d['overflowPath']) ? (d['overflowPath'] as string[]) : [],
    passedOver: { busy: passed['busy'] ?? 0, notReady: passed['notReady'] ?? 0, missingSkill: passed['missingSkill'] ?? 0, lowerScore: passed['lowerScore'] ?? 0, shorterIdle: passed['shorterIdle'] ?? 0 },
  });
}
