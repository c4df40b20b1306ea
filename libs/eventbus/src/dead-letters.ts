// Dead letters sent back where they came from, once their cause is fixed: `./switchboard dead-letters --replay <group>`.
import { DeadLetterHeaders, DownstreamUnavailable, deadLetterTopic, type BusMessage, type EventBus, type OutgoingMessage } from './port.ts';

export interface DeadLetterReplay {
  /** Dead letters sent back to their topics. */
  readonly replayed: number;
  readonly byTopic: Readonly<Record<string, number>>;
  /** Why they had failed: the first line of each error, counted. */
  readonly byReason: Readonly<Record<string, number>>;
}

const dlqHeaders = new Set<string>(Object.values(DeadLetterHeaders));

/** The message as it was before it failed: its topic, key, value and own headers. */
export function originalOf(deadLetter: BusMessage): { topic: string; message: OutgoingMessage } {
  const topic = deadLetter.headers[DeadLetterHeaders.topic];
  if (!topic) throw new Error(`dead letter at ${deadLetter.topic}:${deadLetter.partition}@${deadLetter.offset} names no original topic (${DeadLetterHeaders.topic})`);
  const headers = Object.fromEntries(Object.entries(deadLetter.headers).filter(([name]) => !dlqHeaders.has(name)));
  return { topic, message: { key: deadLetter.key, value: deadLetter.value, headers } };
}

/**
 * Sends the dead letters of `groupId` back to the topics they came from, each once: the group
 * `<groupId>.dlq.replay` remembers how far it got. Every consumer is idempotent, so the groups that had handled
 * them pass over them. The group they failed in handles them again if it takes events in any order (reporting's
 * ingestion); a projection passes over an event older than the last one it applied of the same stream, so for a
 * projection the cure is a rebuild, not a replay. A dead letter that failed after the replay began (by the
 * services' clocks: one replayed that failed again) waits for the next replay, so a cause not yet fixed cannot
 * loop. Resolves once no dead letter has come for `idleMs`.
 */
export async function replayDeadLetters(bus: EventBus, groupId: string, options: { idleMs?: number; onReplayed?: (done: number) => void } = {}): Promise<DeadLetterReplay> {
  const began = new Date();
  const idleMs = options.idleMs ?? 1_500;
  const byTopic: Record<string, number> = {};
  const byReason: Record<string, number> = {};
  let replayed = 0;
  let reachedNewer = false;
  const sent = new Set<string>();
  let lastActivity = Date.now();
  const topic = deadLetterTopic(groupId);
  await bus.ensureTopics([{ topic, partitions: 1 }]);
  const consumer = await bus.subscribe({
    groupId: `${topic}.replay`,
    topics: [topic],
    fromBeginning: true,
    handleBatch: async (batch) => {
      lastActivity = Date.now();
      const originals: { topic: string; message: OutgoingMessage }[] = [];
      for (const deadLetter of batch) {
        const failedAt = deadLetter.headers[DeadLetterHeaders.failedAt];
        if (failedAt !== undefined && new Date(failedAt) >= began) {
          reachedNewer = true;
          break;
        }
        // A batch delivered again (after the throw below) sends nothing twice.
        const position = `${deadLetter.partition}@${deadLetter.offset}`;
        if (sent.has(position)) continue;
        sent.add(position);
        originals.push(originalOf(deadLetter));
        const reason = (deadLetter.headers[DeadLetterHeaders.error] ?? 'unknown').split('\n')[0]!.slice(0, 200);
        byReason[reason] = (byReason[reason] ?? 0) + 1;
      }
      // Each topic's in their order, in one publish.
      for (const original of new Set(originals.map((o) => o.topic))) {
        const messages = originals.filter((o) => o.topic === original).map((o) => o.message);
        await bus.publish(original, messages);
        byTopic[original] = (byTopic[original] ?? 0) + messages.length;
        replayed += messages.length;
        lastActivity = Date.now();
        options.onReplayed?.(replayed);
      }
      // Left uncommitted for the next replay, with the ones before it in this batch (sent twice is harmless).
      if (reachedNewer) throw new DownstreamUnavailable('dead letters newer than this replay: left for the next');
    },
  });
  try {
    // Idle counts from when the member holds the topic's partitions (joining a Kafka group takes seconds), and
    // the first fetch after that gets a few seconds more.
    const joinBy = Date.now() + 30_000;
    while (consumer.assignment().length === 0 && Date.now() < joinBy) await new Promise((resolve) => setTimeout(resolve, 100));
    lastActivity = Math.max(lastActivity, Date.now() + (replayed === 0 ? 3_000 : 0));
    while (!reachedNewer && Date.now() - lastActivity < idleMs) await new Promise((resolve) => setTimeout(resolve, 100));
  } finally {
    await consumer.stop();
  }
  return { replayed, byTopic, byReason };
}
