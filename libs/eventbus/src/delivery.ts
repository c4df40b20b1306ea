// Delivery to a subscription's handler: retries, splitting a failed batch, and dead-lettering. Shared by both adapters.
import {
  DeadLetterHeaders,
  DownstreamUnavailable,
  UnprocessableMessage,
  type BusMessage,
  type OutgoingMessage,
  type Subscription,
} from './port.ts';

export type DeadLetter = (message: BusMessage, error: unknown, attempts: number) => Promise<void>;

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `attempt` until it succeeds or fails `maxAttempts` times; returns the last error, if any. */
async function withRetries(
  maxAttempts: number,
  attempt: () => Promise<void>,
  stopping: () => boolean,
): Promise<{ error: unknown; attempts: number } | undefined> {
  let failures = 0;
  let waits = 0;
  for (;;) {
    try {
      await attempt();
      return undefined;
    } catch (error) {
      if (error instanceof DownstreamUnavailable) {
        // Not the messages' fault: not counted against them, never dead-lettered. A stopping consumer gives
        // the batch up uncommitted (delivered again after the restart).
        if (stopping()) throw error;
        await pause(Math.min(100 * 2 ** Math.min(waits++, 6), 5_000));
        continue;
      }
      failures++;
      if (error instanceof UnprocessableMessage || failures >= maxAttempts) return { error, attempts: failures };
      await pause(Math.min(20 * 2 ** failures, 500));
    }
  }
}

/** The subscription's `batchesInFlight` (1 when unset); anything but a whole number ≥ 1 is refused at subscribe. */
export function batchesInFlightOf(subscription: Subscription): number {
  const n = subscription.batchesInFlight ?? 1;
  if (!Number.isInteger(n) || n < 1) throw new Error(`subscription of group ${subscription.groupId}: batchesInFlight must be a whole number ≥ 1, got ${n}`);
  return n;
}

/**
 * Hands one partition's batch to the subscription. Resolves when every message is either handled or
 * dead-lettered, so the caller may commit past the whole batch; throws `DownstreamUnavailable` (and the
 * caller must not commit) only once `stopping` says the consumer is stopping.
 */
export async function deliverBatch(
  batch: readonly BusMessage[],
  subscription: Subscription,
  deadLetter: DeadLetter,
  stopping: () => boolean = () => false,
): Promise<void> {
  const maxAttempts = subscription.maxAttempts ?? 3;
  const { handle, handleBatch } = subscription;
  const setAside: DeadLetter = async (message, error, attempts) => {
    await deadLetter(message, error, attempts);
    subscription.onDeadLetter?.(message, error);
  };
  if (handleBatch) {
    const failed = batch.length > 0 ? await withRetries(maxAttempts, () => handleBatch(batch), stopping) : undefined;
    if (!failed) return;
    if (batch.length === 1) return setAside(batch[0]!, failed.error, failed.attempts);
    for (const message of batch) {
      const single = await withRetries(maxAttempts, () => handleBatch([message]), stopping);
      if (single) await setAside(message, single.error, single.attempts);
    }
    return;
  }
  if (!handle) throw new Error(`subscription of group ${subscription.groupId} has neither handle nor handleBatch`);
  for (const message of batch) {
    const failed = await withRetries(maxAttempts, () => handle(message), stopping);
    if (failed) await setAside(message, failed.error, failed.attempts);
  }
}

/** The message a dead-letter topic receives: the original key, value and headers, plus why it failed. */
export function deadLetterMessage(
  message: BusMessage,
  groupId: string,
  error: unknown,
  attempts: number,
): OutgoingMessage {
  return {
    key: message.key,
    value: message.value,
    headers: {
      ...message.headers,
      [DeadLetterHeaders.error]: describe(error).slice(0, 2000),
      [DeadLetterHeaders.attempts]: String(attempts),
      [DeadLetterHeaders.topic]: message.topic,
      [DeadLetterHeaders.partition]: String(message.partition),
      [DeadLetterHeaders.offset]: message.offset,
      [DeadLetterHeaders.group]: groupId,
      [DeadLetterHeaders.failedAt]: new Date().toISOString(),
    },
  };
}
