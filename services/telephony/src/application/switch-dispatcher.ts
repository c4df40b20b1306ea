// Delivers the outbox's commands to the switch: at most one in flight per call, retried with backoff, a refusal recorded on the call.
import type { Logger } from '@switchboard/service-kit';
import type { SwitchCommand } from '../domain/switch-control/commands.ts';
import type { ClaimedCommand, SwitchCommandOutbox, SwitchControl } from './ports.ts';

export interface SwitchDispatcherOptions {
  readonly outbox: SwitchCommandOutbox;
  readonly control: SwitchControl;
  /** Records on the call that the switch will not carry the command out (status 0: never reached). */
  readonly recordRefusal: (command: SwitchCommand, status: number, reason: string, agentUnreachable?: boolean) => Promise<void>;
  /**
   * The switch has no such call (404 call-not-found: it ended there, or the switch restarted and lost it). Called
   * `callGoneGraceMs` later, for the call to be ended if the switch did not report the end itself meanwhile.
   */
  readonly endLostCall?: (command: SwitchCommand) => Promise<void>;
  readonly callGoneGraceMs?: number;
  readonly logger: Logger;
  readonly giveUpAfterMs: number;
  /** How often to look for due retries when nothing wakes the dispatcher. */
  readonly pollMs?: number;
  readonly batch?: number;
}

export interface SwitchDispatcher {
  /** A command was just enqueued: look now rather than at the next poll. */
  wake(): void;
  /**
   * Sends a command leased to this dispatcher when it was enqueued (its call's next, see `recordOffer`) at once: no
   * claim. Stopped, it lets the lease go, for the next claim to take the command.
   */
  send(leased: ClaimedCommand): void;
  /** Whether it sends: only then may a command be leased to it. */
  readonly running: boolean;
  stop(): Promise<void>;
}

/** 100 ms, 200 ms, 400 ms … up to 10 s, with a little jitter so retries of many commands spread out. */
export function backoffMs(attempts: number): number {
  const base = Math.min(100 * 2 ** Math.max(0, attempts - 1), 10_000);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

export function startSwitchDispatcher(options: SwitchDispatcherOptions): SwitchDispatcher {
  const pollMs = options.pollMs ?? 250;
  const batch = options.batch ?? 64;
  let running = true;
  let wakeUp: (() => void) | undefined;
  let woken = false;

  async function deliver({ command, attempts, createdAt }: ClaimedCommand): Promise<void> {
    const delivery = await options.control.send(command);
    switch (delivery.kind) {
      case 'accepted':
        await options.outbox.delivered(command.commandId);
        return;
      case 'refused': {
        const said = { commandId: command.commandId, callId: command.callId, kind: command.kind, status: delivery.status, reason: delivery.reason, code: delivery.code };
        const callGone = delivery.status === 404 && delivery.code === 'call-not-found';
        if (callGone) {
          // No such call at the switch: not a fault to warn of. Its own report of the end (the caller hung up just
          // now) usually follows; if none comes within the grace, the call is ended here (by system).
          options.logger.info(said, `the switch no longer has call ${command.callId}`);
          const endLostCall = options.endLostCall;
          if (endLostCall) {
            setTimeout(() => void endLostCall(command).catch((error: unknown) => options.logger.error({ err: error, callId: command.callId }, 'could not end a call the switch no longer has')), options.callGoneGraceMs ?? 5_000).unref();
          }
        } else {
          options.logger.warn(said, `the switch refused a ${command.kind} of call ${command.callId}: HTTP ${delivery.status} ${delivery.reason}`);
        }
        await options.recordRefusal(command, delivery.status, delivery.reason, delivery.code === 'agent-unreachable');
        await options.outbox.refused(command.commandId, delivery.reason);
        return;
      }
      case 'failed': {
        if (Date.now() - createdAt.getTime() >= options.giveUpAfterMs) {
          const reason = `gave up after ${attempts} attempts in ${Math.round(options.giveUpAfterMs / 1000)} s: ${delivery.reason}`;
          options.logger.error({ commandId: command.commandId, callId: command.callId, kind: command.kind, reason }, 'a command never reached the switch');
          // A ring that never reached the switch rang nobody: counted as a ring nobody answered, so routing puts the
          // caller (or the callback) back in line and lets the agent go, instead of holding her reserved for ever.
          await options.recordRefusal(command, 0, reason, command.kind === 'bridge' || command.kind === 'dial');
          await options.outbox.refused(command.commandId, reason);
          return;
        }
        await options.outbox.retryAt(command.commandId, new Date(Date.now() + backoffMs(attempts)), delivery.reason);
        return;
      }
      default: {
        const never: never = delivery;
        throw new Error(`unknown delivery ${JSON.stringify(never)}`);
      }
    }
  }

  // Deliveries in flight: a round claims what is due and moves on without waiting for the switch's answers, so
  // one slow answer holds up only its own call (a call's next command waits: it is not due while this one is pending).
  const inFlight = new Set<Promise<void>>();
  const maxInFlight = batch * 4;

  function start(c: ClaimedCommand): void {
    const delivery: Promise<void> = deliver(c)
      .catch((error: unknown) => {
        // The lease runs out and another round tries again.
        options.logger.error({ err: error, commandId: c.command.commandId }, 'delivering a switch command failed');
      })
      .finally(() => {
        inFlight.delete(delivery);
        // The call's next command (if any) is due now.
        woken = true;
        wakeUp?.();
      });
    inFlight.add(delivery);
  }

  /** Claims what is due and starts delivering it: true when the claim was full (more may be due behind it). */
  async function round(): Promise<boolean> {
    while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    const limit = Math.min(batch, maxInFlight - inFlight.size);
    const claimed = await options.outbox.claimDue(limit);
    for (const c of claimed) start(c);
    return claimed.length === limit;
  }

  const loop = (async () => {
    while (running) {
      let full = false;
      // What woke this round is in its claim; a wake during it calls for another.
      woken = false;
      try {
        full = await round();
      } catch (error) {
        options.logger.error({ err: error }, 'could not read the switch-command outbox; retrying');
      }
      // A claim short of its limit took all that was due: the next is woken by an enqueue or a delivery's end (its
      // call's next command is due then), not read again at once to find nothing (a third of the claims were that).
      if (full || !running) continue;
      if (woken) {
        woken = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wakeUp = undefined;
    }
    await Promise.allSettled(inFlight);
  })();

  return {
    wake() {
      woken = true;
      wakeUp?.();
    },
    send(leased) {
      if (running) start(leased);
      // Stopped: its lease is let go, for the next claim (another replica's, or this one's after a restart) to take it
      // at once rather than after the lease.
      else void options.outbox.retryAt(leased.command.commandId, new Date(), 'not sent: the dispatcher had stopped').catch(() => undefined);
    },
    get running() {
      return running;
    },
    async stop() {
      running = false;
      wakeUp?.();
      await loop;
    },
  };
}
