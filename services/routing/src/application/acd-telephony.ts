// Telephony's calls drive the ACD: a caller asking for an agent (or a callback) is queued at the site the dial plan picks; the switch's answers, no-answers and transfers move the offer; a hang-up leaves the queue.
import { timestampMs, type Timestamp } from '@bufbuild/protobuf/wkt';
import type { DecodedEvent } from '@switchboard/contracts';
import { currentState, type EventStore, type Projection, type ProjectionTx } from '@switchboard/event-store';
import type { Logger } from '@switchboard/service-kit';
import type { AcdCommand, AcdRejection } from '../domain/acd/commands.ts';
import type { Call } from '../domain/acd/state.ts';
import { dialPlanDecider, dialPlanStream, type DialPlanState } from '../domain/dial-plan/dial-plan.ts';
import { resolveSite, urgencyOf, type SiteConditions } from '../domain/dial-plan/resolve.ts';
import { SITE_DIRECTORY_STREAM, siteDirectoryDecider, sitesOf, type SiteDirectory } from '../domain/dial-plan/site-directory.ts';
import { tierNamed } from './acd-tiers.ts';
import type { SiteDesk } from './site-desk.ts';

interface KnownCall {
  readonly calling_number: string;
  readonly dialled_number: string;
  readonly switch_site_id: string;
  readonly queued_site_id: string;
  /** The caller's tier in the read model; null for a caller it does not know (or a withheld number). */
  readonly tier: string | null;
}

/** How long a call transferred to a named agent waits for that agent only, before anyone skilled may take it. */
const PREFERRED_AFTER_TRANSFER_MS = 30_000;

/** The telephony events the ACD follows; the IVR's steps are not its business. */
const HANDLED: ReadonlySet<string> = new Set(['CallArrived', 'AgentRequested', 'CallbackRequested', 'CallAnsweredByAgent', 'CallNotAnsweredByAgent', 'CallTransferred', 'CallEnded']);

const timeOf = (at: Timestamp | undefined): number => (at === undefined ? Date.now() : timestampMs(at));

/** Rejections a redelivered event meets (the call is already queued, or already gone): the work is done. */
const alreadyDone: ReadonlySet<AcdRejection['code']> = new Set(['duplicate-call', 'unknown-call']);

export function telephonyCallsReactor(desk: SiteDesk, store: EventStore, logger: Logger): Projection {
  // The site directory and the dial plans, folded once and read again only when their stream has moved on
  // (one small query per call instead of reading and decoding every configuration event).
  const folded = new Map<string, { readonly version: number; readonly state: unknown }>();
  async function foldedStream<S>(streamId: string, decider: { readonly initialState: S; evolve(state: S, event: DecodedEvent): S }, version: number): Promise<S> {
    const cached = folded.get(streamId);
    if (cached !== undefined && cached.version === version) return cached.state as S;
    const current = await currentState(store, decider, streamId);
    folded.set(streamId, { version: current.version, state: current.state });
    return current.state;
  }

  /** Live load of each configured site, from the ACD: the dial plan skips a site with nobody logged in or at capacity. */
  const conditionsOf = async (siteIds: readonly string[]): Promise<SiteConditions> => {
    const entries = await Promise.all(
      siteIds.map(async (siteId) => {
        const condition = await desk.peek(siteId, ({ state }) => {
          if (state.status !== 'registered') return { agentsLoggedIn: 0, activeCalls: 0 };
          let loggedIn = 0;
          for (const agent of state.agents.values()) if (agent.presence.status !== 'logged-out') loggedIn++;
          return { agentsLoggedIn: loggedIn, activeCalls: state.calls.size };
        });
        return [siteId, condition] as const;
      }),
    );
    return Object.fromEntries(entries);
  };

  /**
   * Where the call waits and how urgent it is: the switch's site when it named one, else the dial plan's
   * choice (undefined when neither places the call); the urgency the dial plan gives its business type.
   */
  const placementOf = async (call: KnownCall, businessType: string, at: Date): Promise<{ siteId: string | undefined; urgency: number }> => {
    // Both streams' versions in one round trip, the directory's in case the dial plan picks the site.
    const planStream = dialPlanStream(call.dialled_number);
    const versions = await store.versions([planStream, SITE_DIRECTORY_STREAM]);
    const plan = await foldedStream<DialPlanState>(planStream, dialPlanDecider, versions.get(planStream)!);
    const urgency = plan.status === 'published' ? urgencyOf(plan.plan, businessType) : 0;
    if (call.switch_site_id !== '') return { siteId: call.switch_site_id, urgency };
    if (plan.status !== 'published') return { siteId: undefined, urgency };
    const sites = sitesOf(await foldedStream<SiteDirectory>(SITE_DIRECTORY_STREAM, siteDirectoryDecider, versions.get(SITE_DIRECTORY_STREAM)!));
    const conditions = await conditionsOf([...sites.keys()]);
    const resolution = resolveSite({ plan: plan.plan, sites }, { dialledNumber: call.dialled_number, callingNumber: call.calling_number, businessType: businessType || undefined, at }, conditions);
    return { siteId: resolution.outcome === 'routed' ? resolution.siteId : undefined, urgency };
  };

  const run = async (siteId: string, command: AcdCommand): Promise<void> => {
    const result = await desk.execute(siteId, command);
    // A refusal is a configuration matter (an unknown queue, say), not a failure to retry: it is logged, the stream moves on.
    if (!result.ok && !alreadyDone.has(result.rejected.code)) logger.warn({ siteId, command: command.type, rejected: result.rejected }, 'the ACD refused a telephony call');
  };

  const knownCall = async (tx: ProjectionTx, callId: string): Promise<KnownCall | undefined> =>
    (
      await tx.$queryRaw<KnownCall[]>`
        select c.calling_number, c.dialled_number, c.switch_site_id, c.queued_site_id, t.tier
        from telephony_calls c left join caller_tiers t on t.phone_number = c.calling_number and c.calling_number <> ''
        where c.call_id = ${callId}`
    )[0];

  /** Queues the call at its site once (a redelivery or a second request finds it there); the site, or undefined when none takes it. */
  async function queue(tx: ProjectionTx, callId: string, queueId: string, businessType: string, at: number, callbackNumber?: string): Promise<string | undefined> {
    const call = await knownCall(tx, callId);
    if (call === undefined) {
      logger.warn({ callId }, 'an agent was requested for a call routing never saw arrive');
      return undefined;
    }
    if (call.queued_site_id !== '') return call.queued_site_id;
    const { siteId, urgency } = await placementOf(call, businessType, new Date(at));
    if (siteId === undefined) {
      logger.warn({ callId }, 'no site takes the call: the dial plan routes it nowhere');
      return undefined;
    }
    await run(siteId, { type: 'QueueCall', callId, queueId, tier: tierNamed(call.tier), urgency, ...(callbackNumber === undefined ? {} : { callbackNumber }), at });
    await tx.$executeRaw`update telephony_calls set queued_site_id = ${siteId} where call_id = ${callId}`;
    return siteId;
  }

  /** Runs `work` with the site holding the call and the call as the site has it now; nothing when no site holds it. */
  async function withHeldCall(
    tx: ProjectionTx,
    callId: string,
    work: (siteId: string, call: Call, queueExists: (queueId: string) => boolean) => Promise<void>,
  ): Promise<void> {
    const known = await knownCall(tx, callId);
    if (known === undefined || known.queued_site_id === '') return;
    const siteId = known.queued_site_id;
    const held = await desk.read(siteId, ({ state }) => {
      if (state.status !== 'registered') return undefined;
      const call = state.calls.get(callId);
      return call && { call: { ...call, phase: call.phase }, queues: new Set(state.queues.keys()) };
    });
    if (held === undefined) return;
    await work(siteId, held.call, (queueId) => held.queues.has(queueId));
  }

  async function apply(tx: ProjectionTx, event: DecodedEvent): Promise<void> {
    switch (event.type) {
      case 'CallArrived': {
        const m = event.message;
        await tx.$executeRaw`insert into telephony_calls (call_id, calling_number, dialled_number, switch_site_id) values (${m.callId}, ${m.callingNumber}, ${m.dialledNumber}, ${m.siteId})
          on conflict (call_id) do nothing`;
        return;
      }
      case 'AgentRequested': {
        const m = event.message;
        await queue(tx, m.callId, m.queue, m.businessType, m.requestedAt === undefined ? Date.now() : timestampMs(m.requestedAt));
        return;
      }
      case 'CallbackRequested': {
        // Asked in the IVR or while waiting: the call takes (or keeps) its place in line, then waits for the dial-back.
        const m = event.message;
        const at = m.requestedAt === undefined ? Date.now() : timestampMs(m.requestedAt);
        // Queued here as a callback in one decision: queued first, a free agent would be offered the call live, and the
        // callback (the caller hangs up next) refused and lost.
        const siteId = await queue(tx, m.callId, m.queue, m.businessType, at, m.callbackNumber);
        if (siteId === undefined) return;
        const call = await desk.read(siteId, ({ state }) => (state.status === 'registered' ? state.calls.get(m.callId) : undefined));
        if (call === undefined || call.callbackNumber !== undefined) return;
        await run(siteId, { type: 'ScheduleCallback', callId: m.callId, callbackNumber: m.callbackNumber, at });
        return;
      }
      case 'CallAnsweredByAgent': {
        // The switch connected the agent: the offer is accepted (once; a redelivery finds the call connected).
        const m = event.message;
        await withHeldCall(tx, m.callId, async (siteId, call) => {
          if (call.phase.status === 'offered' && call.phase.agentId === m.agentId) {
            await run(siteId, { type: 'AcceptOffer', callId: m.callId, agentId: m.agentId, at: timeOf(m.answeredAt) });
          } else if (!(call.phase.status === 'connected' && call.phase.agentId === m.agentId)) {
            logger.warn({ callId: m.callId, agentId: m.agentId, phase: call.phase.status }, 'the switch connected an agent the call was not offered to');
          }
        });
        return;
      }
      case 'CallNotAnsweredByAgent': {
        // The agent's phone rang out: the call goes back to the head of its line.
        const m = event.message;
        await withHeldCall(tx, m.callId, async (siteId, call) => {
          if (call.phase.status === 'offered' && call.phase.agentId === m.agentId) {
            await run(siteId, { type: 'RecordNoAnswer', callId: m.callId, agentId: m.agentId, at: timeOf(m.rangOutAt) });
          }
        });
        return;
      }
      case 'CallTransferred': {
        const m = event.message;
        const target = /^(queue|agent):(.+)$/.exec(m.target);
        if (target === null) return;
        await withHeldCall(tx, m.callId, async (siteId, call, queueExists) => {
          // Only a connected call is transferred by its agent; a redelivery finds it waiting again and does nothing.
          if (call.phase.status !== 'connected') return;
          const at = timeOf(m.transferredAt);
          const toQueue = target[1] === 'queue' && queueExists(target[2]!) ? target[2]! : call.queueId;
          await run(siteId, { type: 'EndCall', callId: m.callId, at });
          await run(siteId, {
            type: 'QueueCall',
            callId: m.callId,
            queueId: toQueue,
            tier: call.tier,
            urgency: call.urgency,
            arrivedAt: call.arrivedAt,
            ...(target[1] === 'agent' ? { preferredAgentId: target[2]!, preferredTimeoutMs: PREFERRED_AFTER_TRANSFER_MS } : {}),
            at,
          });
        });
        return;
      }
      case 'CallEnded': {
        const m = event.message;
        const known = await knownCall(tx, m.callId);
        if (known === undefined || known.queued_site_id === '') return;
        const siteId = known.queued_site_id;
        const at = m.endedAt === undefined ? Date.now() : timestampMs(m.endedAt);
        const call = await desk.read(siteId, ({ state }) => (state.status === 'registered' ? state.calls.get(m.callId) : undefined));
        // A caller waiting for a callback hung up on purpose: the call keeps its place until an agent dials back.
        if (call === undefined || call.callbackNumber !== undefined) return;
        if (call.phase.status === 'connected') await run(siteId, { type: 'EndCall', callId: m.callId, at });
        else await run(siteId, { type: 'AbandonCall', callId: m.callId, at });
        return;
      }
      default:
        return;
    }
  }

  return {
    name: 'routing.telephony-calls',
    topics: ['telephony.calls'],
    handles: (event) => HANDLED.has(event.type),
    apply: (tx, event) => apply(tx, event),
    async reset(tx) {
      await tx.$executeRaw`delete from telephony_calls`;
    },
  };
}
