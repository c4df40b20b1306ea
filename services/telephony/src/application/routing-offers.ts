// Follows routing.events: an offer rings the agent through the switch (bridge), a callback's turn dials the caller back (dial).
import type { Envelope } from '@switchboard/contracts';
import type { EventStore, Projection, RecentStates } from '@switchboard/event-store';
import type { Logger } from '@switchboard/service-kit';
import { clearOffer, recordOffer } from '../adapters/db/switch-commands.ts';
import type { CallState } from '../domain/call/state.ts';
import type { SwitchCommand } from '../domain/switch-control/commands.ts';
import { loadCall } from './call-control.ts';
import type { ClaimedCommand } from './ports.ts';
import type { SwitchDispatcher } from './switch-dispatcher.ts';

export interface RoutingOffersOptions {
  readonly store: EventStore;
  readonly logger: Logger;
  /** False when no switch takes call control: offers are still kept for the desk, nothing is sent. */
  readonly sendCommands: boolean;
  /**
   * The dispatcher of this process, once it runs: a command that is its call's next is leased to it as it is written
   * and handed to it once committed (no claim); any other waits for its claim, woken once committed.
   */
  readonly dispatcher: () => SwitchDispatcher | undefined;
  /** The calls' states this process keeps (its switch reports' commands): a call read from memory when there. */
  readonly recentCalls?: RecentStates<CallState>;
}

/**
 * Commands leased in a transaction not yet committed, by the routing event's id. A rolled-back one's entry is dropped
 * when the event is applied again, or pushed out by newer ones past this many.
 */
const MAX_UNCOMMITTED = 10_000;

/** Deterministic from the routing event, so a redelivery enqueues nothing new. */
const commandIdOf = (kind: string, envelope: Envelope) => `${kind}-${envelope.eventId}`;

const HANDLED: ReadonlySet<string> = new Set(['CallOffered', 'CallbackOffered', 'OfferAccepted', 'OfferNotAnswered', 'CallAbandoned', 'CallCompleted', 'CallOverflowed']);

export function routingOffersReactor(options: RoutingOffersOptions): Projection {
  const leased = new Map<string, { dispatcher: SwitchDispatcher; command: ClaimedCommand }>();
  /** Records the offer with its command, leased to this process's dispatcher when it runs. */
  const offerWith = async (tx: Parameters<Projection['apply']>[0], envelope: Envelope, offer: { callId: string; agentId: string; siteId: string; queueId: string }, command: SwitchCommand) => {
    const dispatcher = options.dispatcher();
    const claimed = await recordOffer(tx, offer.callId, offer, command, dispatcher?.running === true);
    if (claimed === undefined || dispatcher === undefined) return;
    if (leased.size >= MAX_UNCOMMITTED) leased.delete(leased.keys().next().value!);
    leased.set(envelope.eventId, { dispatcher, command: claimed });
  };
  return {
    name: 'telephony.routing-offers',
    topics: ['routing.events'],
    handles: (event) => HANDLED.has(event.type),
    // The command commits with the projection's transaction: then it is sent, or the dispatcher woken to claim it.
    committed: (event, envelope) => {
      if (!options.sendCommands || (event.type !== 'CallOffered' && event.type !== 'CallbackOffered')) return;
      const held = leased.get(envelope.eventId);
      leased.delete(envelope.eventId);
      if (held !== undefined) held.dispatcher.send(held.command);
      else options.dispatcher()?.wake();
    },
    async apply(tx, event, envelope) {
      switch (event.type) {
        case 'CallOffered':
        case 'CallbackOffered': {
          const m = event.message;
          // A lease from an earlier try of this event whose transaction was rolled back is no lease: this try decides.
          leased.delete(envelope.eventId);
          // The call as this process last had it (its switch reports pass here), else from the log. Another replica's
          // newer report (the caller hung up there) only costs a bridge the switch refuses.
          const call = await loadCall(options.store, m.callId, options.recentCalls);
          // A call queued at the ACD by hand (not through this switch) has nothing to bridge.
          if (call.status === 'none') return;
          const offer = { callId: m.callId, agentId: m.agentId, siteId: m.siteId, queueId: m.queueId };
          if (!options.sendCommands || (event.type === 'CallOffered' && call.status === 'ended')) {
            await recordOffer(tx, m.callId, offer);
            return;
          }
          const addressed = { callId: m.callId, switchCallRef: call.call.switchCallRef, agentId: m.agentId };
          await offerWith(
            tx,
            envelope,
            offer,
            event.type === 'CallOffered'
              ? { ...addressed, commandId: commandIdOf('bridge', envelope), kind: 'bridge', siteId: m.siteId, queueId: m.queueId, ring: true }
              : { ...addressed, commandId: commandIdOf('dial', envelope), kind: 'dial', siteId: m.siteId, queueId: m.queueId, number: event.message.callbackNumber },
          );
          return;
        }
        case 'OfferAccepted':
        case 'OfferNotAnswered':
          await clearOffer(tx, event.message.callId, event.message.agentId);
          return;
        case 'CallAbandoned':
        case 'CallCompleted':
        case 'CallOverflowed':
          await clearOffer(tx, event.message.callId);
          return;
        default:
          return;
      }
    },
    async reset(tx) {
      await tx.$executeRaw`delete from call_offers`;
    },
  };
}
