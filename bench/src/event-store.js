// The event store: appends per second with the outbox in the same transaction, one stream and 1,000 streams.
import { create } from '@bufbuild/protobuf';
import { CallArrivedSchema } from '@switchboard/contracts';
import { EventStore, connectPrisma, migrateEventStore } from '@switchboard/event-store';
import { now, rate, seconds, withPostgres } from './harness.ts';
const arrived = (callId) => create(CallArrivedSchema, { callId, callingNumber: '+8613812345678', dialledNumber: '+8695105555', switchCallRef: callId });
export async function eventStore() {
    return withPostgres(async (_server, database) => {
        const url = await database('bench_store');
        await migrateEventStore(url);
        const prisma = connectPrisma(url, 16);
        const store = new EventStore(prisma, { topic: 'telephony.calls' });
        const at = new Date();
        const single = 2_000;
        let start = now();
        for (let v = 0; v < single; v++)
            await store.append('call-one', v, [arrived('call-one')], { occurredAt: at });
        const singleSeconds = seconds(start);
        const streams = 1_000;
        const perStream = 5;
        const concurrency = 16;
        const versions = new Array(streams).fill(0);
        let next = 0;
        start = now();
        await Promise.all(Array.from({ length: concurrency }, async () => {
            for (;;) {
                const i = next++;
                if (i >= streams * perStream)
                    return;
                const s = i % streams;
                const v = versions[s];
                versions[s] = v + 1;
                await store.append(`call-${s}`, v, [arrived(`call-${s}`)], { occurredAt: at });
            }
        }));
        const manySeconds = seconds(start);
        await prisma.$disconnect();
        return [
            { benchmark: 'event store', figure: 'appends with outbox, one stream (sequential, 1 event each)', value: rate(single, singleSeconds) },
            { benchmark: 'event store', figure: `appends with outbox, 1,000 streams (${concurrency} concurrent writers)`, value: rate(streams * perStream, manySeconds) },
        ];
    });
}
