// The switch dispatcher: every call's commands reach the switch in the order they were issued, and a switch that
// is slow to answer about one call does not hold up the commands of the others.
import { describe, expect, it } from 'vitest';
import type { SwitchCommand } from '../domain/switch-control/commands.ts';
import type { ClaimedCommand, SwitchCommandOutbox, SwitchDelivery } from './ports.ts';
import { startSwitchDispatcher } from './switch-dispatcher.ts';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined } as never;

/** The outbox's rules in memory: due means pending, not leased, and no earlier pending command of its call. */
function memoryOutbox(): SwitchCommandOutbox & { add(command: SwitchCommand): void } {
  const rows: { command: SwitchCommand; status: 'pending' | 'delivered' | 'refused'; leased: boolean; attempts: number }[] = [];
  return {
    add: (command) => void rows.push({ command, status: 'pending', leased: false, attempts: 0 }),
    enqueue: async (command) => void rows.push({ command, status: 'pending', leased: false, attempts: 0 }),
    pendingOf: async () => undefined,
    async claimDue(limit) {
      const due: ClaimedCommand[] = [];
      for (const [i, row] of rows.entries()) {
        if (due.length >= limit) break;
        if (row.status !== 'pending' || row.leased) continue;
        if (rows.slice(0, i).some((r) => r.status === 'pending' && r.command.callId === row.command.callId)) continue;
        row.leased = true;
        row.attempts++;
        due.push({ command: row.command, attempts: row.attempts, createdAt: new Date() });
      }
      return due;
    },
    delivered: async (id) => void (rows.find((r) => r.command.commandId === id)!.status = 'delivered'),
    retryAt: async (id) => void (rows.find((r) => r.command.commandId === id)!.leased = false),
    refused: async (id) => void (rows.find((r) => r.command.commandId === id)!.status = 'refused'),
    status: async (id) => rows.find((r) => r.command.commandId === id)?.status,
  };
}

const hold = (callId: string, n: number): SwitchCommand => ({ kind: 'hold', commandId: `${callId}-${n}`, callId, switchCallRef: callId, agentId: 'li-na' });

/** A dispatcher polling once a minute on an outbox that counts its claims, to a switch that takes every command. */
function countedDispatcher() {
  const outbox = memoryOutbox();
  const counted = { claims: 0 };
  const reached: string[] = [];
  const control = { send: async (command: SwitchCommand): Promise<SwitchDelivery> => (reached.push(command.commandId), { kind: 'accepted' }) };
  const claimDue = (limit: number) => (counted.claims++, outbox.claimDue(limit));
  const dispatcher = startSwitchDispatcher({ outbox: { ...outbox, claimDue }, control, recordRefusal: async () => undefined, logger: silent, giveUpAfterMs: 60_000, pollMs: 60_000 });
  return { outbox, counted, reached, dispatcher };
}

describe('the switch dispatcher', () => {
  it("delivers another call's command while the switch is still answering about a slow one, and each call's in order", async () => {
    const outbox = memoryOutbox();
    const reached: string[] = [];
    let answerSlowCall: (delivery: SwitchDelivery) => void = () => undefined;
    const control = {
      send(command: SwitchCommand): Promise<SwitchDelivery> {
        reached.push(command.commandId);
        if (command.commandId === 'slow-1') return new Promise((resolve) => (answerSlowCall = resolve));
        return Promise.resolve({ kind: 'accepted' });
      },
    };
    outbox.add(hold('slow', 1));
    outbox.add(hold('slow', 2));
    const dispatcher = startSwitchDispatcher({ outbox, control, recordRefusal: async () => undefined, logger: silent, giveUpAfterMs: 60_000, pollMs: 20 });
    await expect.poll(() => reached).toEqual(['slow-1']);
    outbox.add(hold('quick', 1));
    dispatcher.wake();
    await expect.poll(() => reached).toEqual(['slow-1', 'quick-1']);
    // The slow call's second command waits for its first.
    answerSlowCall({ kind: 'accepted' });
    await expect.poll(() => reached).toEqual(['slow-1', 'quick-1', 'slow-2']);
    await dispatcher.stop();
    expect(await outbox.status('slow-2')).toBe('delivered');
  });

  it('reads the outbox once for a wake and once for the delivery’s end, not again to find it empty', async () => {
    // Polls once a minute: every read in the test is the start's, a wake's or a delivery's end.
    const { outbox, counted, reached, dispatcher } = countedDispatcher();
    await expect.poll(() => counted.claims).toBe(1);
    await outbox.enqueue(hold('call-7', 1));
    dispatcher.wake();
    await expect.poll(() => reached).toEqual(['call-7-1']);
    await expect.poll(async () => outbox.status('call-7-1')).toBe('delivered');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(counted.claims).toBe(3);
    await dispatcher.stop();
  });

  it('sends a command leased to it at its enqueue at once, without reading the outbox; stopped, it lets the lease go', async () => {
    const { outbox, counted, reached, dispatcher } = countedDispatcher();
    await expect.poll(() => counted.claims).toBe(1);
    expect(dispatcher.running).toBe(true);
    // Written leased (as `recordOffer` does for a call's next command): a claim would not take it.
    const ring: SwitchCommand = { kind: 'bridge', commandId: 'call-9-ring', callId: 'call-9', switchCallRef: 'call-9', agentId: 'li-na', siteId: 'shenzhen', queueId: 'general', ring: true };
    await outbox.enqueue(ring);
    await outbox.claimDue(1);
    dispatcher.send({ command: ring, attempts: 1, createdAt: new Date() });
    await expect.poll(() => reached).toEqual(['call-9-ring']);
    await expect.poll(async () => outbox.status('call-9-ring')).toBe('delivered');
    // The start's read, and the one the delivery's end asks for (the call's next command would be due then).
    await expect.poll(() => counted.claims).toBe(2);
    await dispatcher.stop();
    expect(dispatcher.running).toBe(false);
    // Leased to it as it stopped: not sent, and let go at once for the next claim (not held for the lease's 30 s).
    const late: SwitchCommand = { ...ring, commandId: 'call-9-late' };
    await outbox.enqueue(late);
    expect((await outbox.claimDue(1)).map((c) => c.command.commandId)).toEqual(['call-9-late']);
    dispatcher.send({ command: late, attempts: 1, createdAt: new Date() });
    await expect.poll(async () => (await outbox.claimDue(1)).map((c) => c.command.commandId)).toEqual(['call-9-late']);
    expect(reached).toEqual(['call-9-ring']);
  });

  it('records a refusal with what the switch said, and ends a call the switch no longer has only after a grace for its own report', async () => {
    const outbox = memoryOutbox();
    const refusals: string[] = [];
    const ended: string[] = [];
    const answers: Record<string, SwitchDelivery> = {
      'gone-1': { kind: 'refused', status: 404, reason: 'no call pbx-1 at this switch', code: 'call-not-found' },
      'nophone-1': { kind: 'refused', status: 404, reason: 'no phone for agent li-na', code: 'agent-unreachable' },
      'bad-1': { kind: 'refused', status: 401, reason: 'not signed with the shared secret' },
    };
    const control = { send: async (command: SwitchCommand): Promise<SwitchDelivery> => answers[command.commandId]! };
    for (const id of Object.keys(answers)) outbox.add(hold(id.split('-')[0]!, 1));
    const dispatcher = startSwitchDispatcher({
      outbox,
      control,
      recordRefusal: async (command, status, _reason, agentUnreachable) => void refusals.push(`${command.commandId} ${status} ${agentUnreachable ? 'unreachable' : ''}`.trim()),
      endLostCall: async (command) => void ended.push(command.callId),
      callGoneGraceMs: 150,
      logger: silent,
      giveUpAfterMs: 60_000,
      pollMs: 20,
    });
    await expect.poll(() => refusals.length).toBe(3);
    expect(refusals.sort()).toEqual(['bad-1 401', 'gone-1 404', 'nophone-1 404 unreachable']);
    // Not at once: the switch's report of the end may be on its way.
    expect(ended).toEqual([]);
    await expect.poll(() => ended).toEqual(['gone']);
    await dispatcher.stop();
  });

  it('gives up a command that never reaches the switch, and counts a ring given up as a ring nobody answered', async () => {
    const outbox = memoryOutbox();
    const refusals: string[] = [];
    const ring: SwitchCommand = { kind: 'bridge', commandId: 'ring-1', callId: 'ring', switchCallRef: 'ring', agentId: 'li-na', siteId: 'shenzhen', queueId: 'general', ring: true };
    outbox.add(ring);
    outbox.add(hold('held', 1));
    const control = { send: async (): Promise<SwitchDelivery> => ({ kind: 'failed', reason: 'connect ECONNREFUSED' }) };
    const dispatcher = startSwitchDispatcher({
      outbox,
      control,
      recordRefusal: async (command, status, reason, agentUnreachable) => void refusals.push(`${command.commandId} ${status} ${agentUnreachable ? 'unanswered' : ''}`.trim() + ` (${reason.split(':')[0]})`),
      logger: silent,
      giveUpAfterMs: 0,
      pollMs: 20,
    });
    await expect.poll(() => refusals.length).toBe(2);
    expect(refusals.sort()).toEqual(['held-1 0 (gave up after 1 attempts in 0 s)', 'ring-1 0 unanswered (gave up after 1 attempts in 0 s)']);
    await dispatcher.stop();
  });
});
