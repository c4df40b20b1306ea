// A deadline for calls into kafkajs, whose retries (endless for the idempotent producer) could otherwise hang a caller.

export class KafkaTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`kafka event bus: ${what} did not finish within ${ms} ms`);
    this.name = 'KafkaTimeoutError';
  }
}

export function withTimeout<T>(what: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new KafkaTimeoutError(what, ms)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** Follows `cause` links, since kafkajs wraps the broker's error in retry errors. */
export function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current !== undefined && chain.length < 10; ) {
    chain.push(current);
    current = current instanceof Error ? current.cause : undefined;
  }
  return chain;
}

export const hasCause = (error: unknown, test: (e: Error & { type?: unknown }) => boolean): boolean =>
  causes(error).some((e) => e instanceof Error && test(e));
