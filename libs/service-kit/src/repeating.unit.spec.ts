import { describe, expect, it } from 'vitest';
import { startRepeating } from './repeating.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('work repeated in the background', () => {
  it('never runs twice at once, goes on after a failure, and stopping waits for the run under way', async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    let finished = 0;
    const errors: unknown[] = [];
    const repeating = startRepeating(
      10,
      async () => {
        runs++;
        running++;
        most = Math.max(most, running);
        await sleep(35);
        running--;
        finished++;
        if (runs === 1) throw new Error('the database is away');
      },
      (error) => errors.push(error),
    );
    await sleep(200);
    await repeating.stop();
    expect(most).toBe(1);
    expect(runs).toBeGreaterThanOrEqual(3);
    expect(errors).toHaveLength(1);
    // The run under way when stop() was called has finished; none starts after it.
    expect(finished).toBe(runs);
    await sleep(50);
    expect(finished).toBe(runs);
  });
});
