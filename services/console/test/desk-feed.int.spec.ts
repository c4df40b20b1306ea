// The desk's news reaches the page only once the console can answer questions about it: a page that asks for
// the caller's card the moment an offer arrives must find the call on the agent's desk.
import { randomUUID } from 'node:crypto';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { CallArrivedSchema, CallOfferedSchema, encodeEvent } from '@switchboard/contracts';
import { applyBatchToProjection } from '@switchboard/event-store';
import { startEventSourcedService } from '@switchboard/service-kit';
import { freshDatabase } from '@switchboard/testing';
import { parseConfig } from '@switchboard/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deskCall, deskFeed } from '../src/application/desk-feed.ts';
import type { DeskSockets } from '../src/adapters/ws/desk-sockets.ts';
import { consoleConfigSchema } from '../src/config.ts';
import { consoleService } from '../src/service.ts';

type Running = Awaited<ReturnType<typeof startEventSourcedService>>;
type BusMessage = Parameters<typeof applyBatchToProjection>[2][number];

function message(topic: string, offset: number, value: Uint8Array): BusMessage {
  return { topic, partition: 0, offset: String(offset), key: 'c-41', value, headers: {}, timestamp: new Date() };
}

describe('the desk feed', () => {
  let service: Running;

  beforeAll(async () => {
    const env = { PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: await freshDatabase('console'), EVENTBUS_DATABASE_URL: await freshDatabase('bus'), AUTH_TOKEN_SECRET: 'console-feed-test-secret-long-enough', CONSOLE_ADMIN_LOGIN: 'admin', CONSOLE_ADMIN_PASSWORD: 'first-admin-password-0001' };
    service = await startEventSourcedService(consoleService(parseConfig(consoleConfigSchema, env)), { env, handleSignals: false });
  });
  afterAll(() => service?.close());

  it('pushes the caller and the offer to the agent only after the call is readable outside the batch', async () => {
    const prisma = service.context.prisma;
    const seen: Array<{ type: string; agentId: string; readable: boolean }> = [];
    const pending: Promise<void>[] = [];
    const sockets: DeskSockets = {
      push(agentId, news) {
        // In the order pushed; what the card's caller check would read at this moment, on another connection.
        const entry = { type: (news as { type: string }).type, agentId, readable: false };
        seen.push(entry);
        pending.push(deskCall(prisma, 'c-41').then((row) => void (entry.readable = row?.agent_id === agentId)));
        return 1;
      },
    } as DeskSockets;
    const feed = deskFeed(sockets);
    const offered = encodeEvent(CallOfferedSchema, { siteId: 'shanghai', callId: 'c-41', queueId: 'general', agentId: 'li-na', offeredAt: timestampFromMs(Date.now()) }, { eventId: randomUUID(), streamId: 'acd-shanghai', streamVersion: 7, occurredAt: new Date(), siteId: 'shanghai' });
    const arrived = encodeEvent(CallArrivedSchema, { callId: 'c-41', callingNumber: '+862155550000', dialledNumber: '+864008001234' }, { eventId: randomUUID(), streamId: 'call-c-41', streamVersion: 1, occurredAt: new Date() });
    await applyBatchToProjection(prisma, feed, [message('routing.events', 0, offered), message('telephony.calls', 0, arrived)]);
    await Promise.all(pending);
    expect(seen).toEqual([
      { type: 'offer', agentId: 'li-na', readable: true },
      { type: 'caller', agentId: 'li-na', readable: true },
    ]);
  });

  it('sends the caller’s card, looked up when the call arrived, right behind the offer to an agent with a desk open, and to nobody else', async () => {
    const prisma = service.context.prisma;
    const pushed: Array<{ agentId: string; type: string; callId?: string; found?: boolean }> = [];
    const openDesks = new Set(['wang-wei']);
    const sockets = {
      push(agentId: string, news: unknown) {
        if (!openDesks.has(agentId)) return 0;
        const n = news as { type: string; callId?: string; offer?: { callId: string }; found?: boolean };
        pushed.push({ agentId, type: n.type, callId: n.callId ?? n.offer?.callId, ...(n.found === undefined ? {} : { found: n.found }) });
        return 1;
      },
    } as DeskSockets;
    const asked: string[] = [];
    const warnings: string[] = [];
    const feed = deskFeed(sockets, {
      cardOf: async (number) => {
        asked.push(number);
        if (number === '+862155550099') throw new Error('customers is away');
        return number === '+862155550001' ? { found: true, card: { name: 'Li Wei' } } : { found: false, callingNumber: number };
      },
      logger: { warn: (_: unknown, text: string) => void warnings.push(text) } as never,
    });
    const event = (callId: string, agentId: string, number: string, version: number) => [
      message('telephony.calls', version, encodeEvent(CallArrivedSchema, { callId, callingNumber: number, dialledNumber: '+864008001234' }, { eventId: randomUUID(), streamId: `call-${callId}`, streamVersion: 1, occurredAt: new Date() })),
      message('routing.events', version, encodeEvent(CallOfferedSchema, { siteId: 'shanghai', callId, queueId: 'general', agentId, offeredAt: timestampFromMs(Date.now()) }, { eventId: randomUUID(), streamId: 'acd-shanghai', streamVersion: version, occurredAt: new Date(), siteId: 'shanghai' })),
    ];
    await applyBatchToProjection(prisma, feed, event('c-51', 'wang-wei', '+862155550001', 20));
    await applyBatchToProjection(prisma, feed, event('c-52', 'zhao-lei', '+862155550002', 21));
    await applyBatchToProjection(prisma, feed, event('c-53', 'wang-wei', '+862155550099', 22));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pushed).toEqual([
      { agentId: 'wang-wei', type: 'offer', callId: 'c-51' },
      { agentId: 'wang-wei', type: 'card', callId: 'c-51', found: true },
      { agentId: 'wang-wei', type: 'offer', callId: 'c-53' },
    ]);
    // Every card is looked up as its call arrives (zhao-lei's too, though his desk is closed and he gets none); the
    // offer takes it from there, and a lookup that failed is tried once more at the offer.
    expect(asked).toEqual(['+862155550001', '+862155550002', '+862155550099', '+862155550099']);
    expect(warnings).toEqual(['the caller’s card could not be resolved for the desk']);
  });
});
