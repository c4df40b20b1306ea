// The telephony service: the switch interface (signed webhooks, call control), calls as aggregates, and IVR flows as data.
import { fileURLToPath } from 'node:url';
import type { EventSourcedServiceSpec } from '@switchboard/service-kit';
import { ivrFlowStore } from './adapters/db/ivr-flows.ts';
import { switchReceipts } from './adapters/db/switch-receipts.ts';
import { ivrFlowRoutes } from './adapters/http/ivr-flows.ts';
import { switchWebhookRoutes } from './adapters/http/switch-webhook.ts';
import { httpLookup } from './adapters/self-service/http-lookup.ts';
import type { SelfServiceLookup } from './application/ports.ts';
import { switchEventHandler } from './application/switch-events.ts';
import type { TelephonyConfig } from './config.ts';

export interface TelephonyDependencies {
  /** How self-service steps reach their endpoints (HTTP unless a test says otherwise). */
  readonly lookup?: SelfServiceLookup;
  readonly clock?: () => Date;
}

export function telephonyService(config: TelephonyConfig, dependencies: TelephonyDependencies = {}): EventSourcedServiceSpec {
  const clock = dependencies.clock ?? (() => new Date());
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
        receipts: switchReceipts(context.prisma),
        lookup: dependencies.lookup ?? httpLookup,
        selfServiceTimeoutMs: config.SELF_SERVICE_TIMEOUT_MS,
        clock,
      });
      return async (app) => {
        await app.register(switchWebhookRoutes({ secret: config.SWITCH_WEBHOOK_SECRET, maxSkewSeconds: config.SWITCH_WEBHOOK_MAX_SKEW_SECONDS, handle, clock }));
        await app.register(ivrFlowRoutes(flows));
      };
    },
  };
}
