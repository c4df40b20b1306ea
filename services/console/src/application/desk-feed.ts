// Follows routing.events and telephony.calls: keeps what the desk knows of each call, and pushes each agent's news to that agent's pages.
import type { DecodedEvent } from '@switchboard/contracts';
import type { Projection, ProjectionTx } from '@switchboard/event-store';
import type { Logger } from '@switchboard/service-kit';
import type { DeskSockets } from '../adapters/ws/desk-sockets.ts';
import { deskNews } from '../domain/desk/desk-news.ts';
import { cardsAhead, type CardAnswer } from './screen-pop.ts';

export interface DeskCallRow {
  readonly call_id: string;
  readonly calling_number: string;
  readonly agent_id: string;
  readonly site_id: string;
  readonly queue_id: string;
  readonly state: string;
  readonly detail: string;
}

export async function deskCall(tx: Pick<ProjectionTx, '$queryRaw'>, callId: string): Promise<DeskCallRow | undefined> {
  return (await tx.$queryRaw<DeskCallRow[]>`select call_id, calling_number, agent_id, site_id, queue_id, state, detail from desk_calls where call_id = ${callId}`)[0];
}

export interface ScreenPop {
  /** The card of the caller of a call on an agent's desk. */
  readonly cardOf: (callingNumber: string) => Promise<CardAnswer>;
  readonly logger: Logger;
}

/** The call and caller a pushed message pops a card for: an offer with the caller's number, or the number arriving after the offer. */
function poppedCaller(message: unknown): { callId: string; callingNumber: string } | undefined {
  const m = message as { type?: string; callId?: string; callingNumber?: string; offer?: { callId: string; callingNumber: string } };
  if (m.type === 'offer' && m.offer !== undefined && m.offer.callingNumber !== '') return { callId: m.offer.callId, callingNumber: m.offer.callingNumber };
  if (m.type === 'caller' && m.callId !== undefined && m.callingNumber) return { callId: m.callId, callingNumber: m.callingNumber };
  return undefined;
}

export function deskFeed(deskSockets: DeskSockets, screenPop?: ScreenPop): Projection {
  // News goes to the pages only once its rows are committed: a page that acts on an offer at once (the card's
  // caller check reads desk_calls) must find the call there. The batch's events come back to `committed`.
  const held = new WeakMap<DecodedEvent, Array<Parameters<DeskSockets['push']>>>();
  const cards = screenPop === undefined ? undefined : cardsAhead(screenPop.cardOf);
  /** Right behind an offer, the caller's card on the same socket: the page shows it without asking. */
  const popCard = (agentId: string, { callId, callingNumber }: { callId: string; callingNumber: string }) =>
    cards!
      .take(callId, callingNumber)
      .then((answer) => deskSockets.push(agentId, { type: 'card', callId, callingNumber, ...answer }))
      // The page asks for the card itself when none came: a failure here costs a round trip, not the card.
      .catch((error: unknown) => screenPop!.logger.warn({ err: error, callId }, 'the caller’s card could not be resolved for the desk'));
  return {
    name: 'console.desk-feed',
    topics: ['routing.events', 'telephony.calls'],
    handles: (event) => deskNews(event) !== undefined,
    committed(event) {
      const news = cards === undefined ? undefined : deskNews(event);
      if (news?.kind === 'call-arrived' && news.callingNumber !== '') cards!.lookAhead(news.callId, news.callingNumber);
      for (const [agentId, message] of held.get(event) ?? []) {
        const pages = deskSockets.push(agentId, message);
        // Only for an agent with a desk open: nobody would see the card otherwise.
        const caller = screenPop === undefined || pages === 0 ? undefined : poppedCaller(message);
        if (caller !== undefined) void popCard(agentId, caller);
      }
      held.delete(event);
    },
    async apply(tx, event) {
      const news = deskNews(event);
      if (news === undefined) return;
      const pushes: Array<Parameters<DeskSockets['push']>> = [];
      held.set(event, pushes);
      const sockets = { push: (...args: Parameters<DeskSockets['push']>) => pushes.push(args) };
      switch (news.kind) {
        case 'call-arrived':
          await tx.$executeRaw`insert into desk_calls (call_id, calling_number) values (${news.callId}, ${news.callingNumber})
            on conflict (call_id) do update set calling_number = excluded.calling_number`;
          {
            // Two topics, no order between them: the offer may have reached the desk before the caller's number.
            const call = await deskCall(tx, news.callId);
            if (call !== undefined && call.agent_id !== '') sockets.push(call.agent_id, { type: 'caller', callId: news.callId, callingNumber: news.callingNumber });
          }
          return;
        case 'offer': {
          await tx.$executeRaw`insert into desk_calls (call_id, agent_id, site_id, queue_id, state, detail) values (${news.callId}, ${news.agentId}, ${news.siteId}, ${news.queueId}, 'offered', 'ringing at your desk')
            on conflict (call_id) do update set agent_id = excluded.agent_id, site_id = excluded.site_id, queue_id = excluded.queue_id, state = excluded.state, detail = excluded.detail, updated_at = now()`;
          const call = await deskCall(tx, news.callId);
          // The screen pop's key: the caller's number (telephony's CallArrived), or the number a callback dials.
          const callingNumber = news.callback ? news.callbackNumber : (call?.calling_number ?? '');
          sockets.push(news.agentId, { type: 'offer', offer: { ...news, kind: undefined, callingNumber } });
          return;
        }
        case 'agent-state':
          sockets.push(news.agentId, { type: 'agent-state', ...news, kind: undefined });
          return;
        case 'call-state': {
          const agentId = news.agentId ?? '';
          await tx.$executeRaw`insert into desk_calls (call_id, agent_id, state, detail) values (${news.callId}, ${agentId}, ${news.state}, ${news.detail})
            on conflict (call_id) do update set state = excluded.state, detail = excluded.detail, updated_at = now(),
              agent_id = case when excluded.agent_id <> '' then excluded.agent_id else desk_calls.agent_id end`;
          const call = await deskCall(tx, news.callId);
          if (call !== undefined && call.agent_id !== '') sockets.push(call.agent_id, { type: 'call-state', callId: news.callId, state: news.state, detail: news.detail });
          return;
        }
        default: {
          const never: never = news;
          throw new Error(`unknown desk news ${JSON.stringify(never)}`);
        }
      }
    },
    async reset(tx) {
      await tx.$executeRaw`delete from desk_calls`;
    },
  };
}
