// The telephony service: the switch interface (signed webhooks, call control), calls as aggregates, and IVR flows as data.
import { fileURLToPath } from 'node:url';
import { CallEndedBy } from '@switchboard/contracts';
import { handleCommand, RecentStates } from '@switchboard/event-store';
import { accessTokens, requireSignIn, type EventSourcedServiceSpec, type ServiceContext } from '@switchboard/service-kit';
import { ivrFlowStore } from './adapters/db/ivr-flows.ts';
import { offerBook, switchCommandOutbox } from './adapters/db/switch-commands.ts';
import { switchReceipts } from './adapters/db/switch-receipts.ts';
import { unattendedCalls } from './adapters/db/unattended-calls.ts';
import { callControlRoutes } from './adapters/http/call-control.ts';
import { ivrFlowRoutes } from './adapters/http/ivr-flows.ts';
import { switchWebhookRoutes } from './adapters/http/switch-webhook.ts';
import { httpLookup } from './adapters/self-service/http-lookup.ts';
import { httpSwitchControl } from './adapters/switch-control/http-switch-control.ts';
import { callStream } from './application/call-ids.ts';
import { callControl } from './application/call-control.ts';
import type { SelfServiceLookup, SwitchControl } from './application/ports.ts';
import { routingOffersReactor } from './application/routing-offers.ts';
import { startSwitchDispatcher, type SwitchDispatcher } from './application/switch-dispatcher.ts';
import { switchEventHandler } from './application/switch-events.ts';
import { startUnattendedCallSweep } from './application/unattended-calls.ts';
import type { TelephonyConfig } from './config.ts';
import { callDecider } from './domain/call/decide.ts';
import type { CallState } from './domain/call/state.ts';

export interface TelephonyDependencies {
  /** How self-service steps reach their endpoints (HTTP unless a test says otherwise). */
  readonly lookup?: SelfServiceLookup;
  /** How commands reach the switch (HTTP to SWITCH_CONTROL_URL unless a test says otherwise). */
  readonly switchControl?: SwitchControl;
  readonly clock?: () => Date;
}

export function telephonyService(config: TelephonyConfig, dependencies: TelephonyDependencies = {}): EventSourcedServiceSpec {
  const clock = dependencies.clock ?? (() => new Date());
  const tokens = accessTokens(config.AUTH_TOKEN_SECRET);
  // Every switch report is a command on its call's stream: the live calls' states stay in memory (a few
  // thousand at 20 calls/s), so a report reads nothing from the log; the append's version check keeps them honest.
  const recentCalls = new RecentStates<CallState>(config.TELEPHONY_RECENT_CALLS);
  const control =
    dependencies.switchControl ??
    (config.SWITCH_CONTROL_URL === undefined
      ? undefined
      : httpSwitchControl({ url: config.SWITCH_CONTROL_URL, secret: config.SWITCH_WEBHOOK_SECRET, timeoutMs: config.SWITCH_CONTROL_TIMEOUT_MS }));
  // The reactor and the desk's API wake the dispatcher, which starts with the workers (after both are built).
  let dispatcher: SwitchDispatcher | undefined;
  const wake = () => dispatcher?.wake();

  const startDispatcher = (context: ServiceContext, switchControl: SwitchControl): SwitchDispatcher =>
    startSwitchDispatcher({
      outbox: switchCommandOutbox(context.sql),
      control: switchControl,
      logger: context.logger,
      giveUpAfterMs: config.SWITCH_CONTROL_GIVE_UP_SECONDS * 1000,
      async endLostCall(command) {
        const result = await handleCommand(context.store, callDecider, callStream(command.callId), { type: 'End', by: CallEndedBy.SYSTEM, at: clock() }, context.commandOptions(), { recent: recentCalls });
        // Already ended (the switch reported the end within the grace): nothing to do.
        if (result.ok) context.logger.info({ callId: command.callId }, 'ended a call the switch no longer has');
      },
      async recordRefusal(command, status, reason, agentUnreachable) {
        const result = await handleCommand(
          context.store,
          callDecider,
          callStream(command.callId),
          { type: 'RecordCommandRefusal', commandId: command.commandId, command: command.kind, agentId: command.agentId, status, reason, agentUnreachable, at: clock() },
          context.commandOptions(),
          { recent: recentCalls },
        );
        if (!result.ok) context.logger.warn({ callId: command.callId, rejected: result.rejected }, 'could not record a refused command on its call');
      },
    });

  return {
    name: 'telephony',
    defaultPort: 4101,
    topic: 'telephony.calls',
    migrationsFolder: fileURLToPath(new URL('../migrations', import.meta.url)),
    routes: (context) => {
      const flows = ivrFlowStore(context.prisma);
      const handle = switchEventHandler({
        store: context.store,
        commandOptions: () => context.commandOptions(),
        flows,
        receipts: switchReceipts(context.sql),
        lookup: dependencies.lookup ?? httpLookup,
        selfServiceTimeoutMs: config.SELF_SERVICE_TIMEOUT_MS,
        clock,
        recentCalls,
        unattended: unattendedCalls(context.sql),
      });
      const controlCall = control && callControl({ store: context.store, outbox: switchCommandOutbox(context.sql), offers: offerBook(context.sql), wake });
      return async (app) => {
        // Every route needs a signed-in person or a service (docs/roles.md), except the switch's webhook: it is signed by the switch.
        requireSignIn(app, { tokens });
        await app.register(switchWebhookRoutes({ secret: config.SWITCH_WEBHOOK_SECRET, maxSkewSeconds: config.SWITCH_WEBHOOK_MAX_SKEW_SECONDS, handle, clock }));
        await app.register(ivrFlowRoutes(flows));
        await app.register(callControlRoutes(controlCall, (callId) => offerBook(context.sql).siteOf(callId)));
      };
    },
    projections: (context) => [routingOffersReactor({ store: context.store, logger: context.logger, sendCommands: control !== undefined, dispatcher: () => dispatcher, recentCalls })],
    workers: async (context) => {
      const timeoutSeconds = config.TELEPHONY_UNATTENDED_CALL_TIMEOUT_SECONDS;
      const sweep = startUnattendedCallSweep(
        {
          store: context.store,
          commandOptions: () => context.commandOptions(),
          calls: unattendedCalls(context.sql),
          recentCalls,
          ...(control === undefined ? {} : { outbox: switchCommandOutbox(context.sql), wake }),
          timeoutSeconds,
          clock,
          logger: context.logger,
        },
        // A quarter of the timeout, at most a minute: a silent call is ended within 1¼ timeouts.
        Math.min(60_000, (timeoutSeconds * 1000) / 4),
      );
      if (control === undefined) return [() => sweep.stop()];
      dispatcher = startDispatcher(context, control);
      const running = dispatcher;
      return [() => running.stop(), () => sweep.stop()];
    },
  };
}
