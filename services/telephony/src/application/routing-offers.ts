// Follows routing.events: an offer rings the agent through the switch (bridge), a callback's turn dials the caller back (dial).
import type { Envelope } from '@switchboard/contracts';
import type { EventStore, Projection } from '@switchboard/event-store';
import type { Logger } from '@switchboard/service-kit';
import { clearOffer, enqueueSwitchCommand, recordOffer } from '../adapters/db/switch-commands.ts';
import { loadCall } from './call-control.ts';

export interface RoutingOffersOptions {
  readonly store: EventStore;
  readonly logger: Logger;
  /** False when no switch takes call control: offers are still kept for the desk, nothing is sent. */
  readonly sendCommands: boolean;
  /** Called once the command is committed. */
  readonly wake: () => void;
}

/** Deterministic from the routing event, so a redelivery enqueues nothing new. */
const commandIdOf = (kind: string, envelope: Envelope) => `${kind}-${envelope.eventId}`;

const HANDLED: ReadonlySet<string> = new Set(['CallOffered', 'CallbackOffered', 'OfferAccepted', 'OfferNotAnswered', 'CallAbandoned', 'CallCompleted', 'CallOverflowed']);

export function routingOffersReactor(options: RoutingOffersOptions): Projection {
  return {
    name: 'telephony.routing-offers',
    topics: ['routing.events'],
    handles: (event) => HANDLED.has(event.type),
    // The command commits with the projection's transaction: the dispatcher is woken once it has.
    committed: (event) => {
      if (options.sendCommands && (event.type === 'CallOffered' || event.type === 'CallbackOffered')) options.wake();
    },
    async apply(tx, event, envelope) {
      switch (event.type) {
        case 'CallOffered':
        case 'CallbackOffered': {
          const m = event.message;
          const call = await loadCall(options.store, m.callId);
          // A call queued at the ACD by hand (not through this switch) has nothing to bridge.
          if (call.status === 'none') return;
          await recordOffer(tx, m.callId, { agentId: m.agentId, siteId: m.siteId, queueId: m.queueId });
          if (!options.sendCommands) return;
          const addressed = { callId: m.callId, switchCallRef: call.call.switchCallRef, agentId: m.agentId };
          if (event.type === 'CallOffered') {
            if (call.status === 'ended') return;
            await enqueueSwitchCommand(tx, { ...addressed, commandId: commandIdOf('bridge', envelope), kind: 'bridge', siteId: m.siteId, queueId: m.queueId, ring: true });
          } else {
            await enqueueSwitchCommand(tx, { ...addressed, commandId: commandIdOf('dial', envelope), kind: 'dial', siteId: m.siteId, queueId: m.queueId, number: event.message.callbackNumber });
          }
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
