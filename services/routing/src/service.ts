// The routing service: sites, dial plan, queues and agents (the ACD) with its clock and telephony's calls, and the caller-tier read model.
import { fileURLToPath } from 'node:url';
import { accessTokens, requireSignIn, type EventSourcedServiceSpec, type ServiceContext } from '@switchboard/service-kit';
import { acdRoutes } from './adapters/http/acd.ts';
import { callerTierRoutes } from './adapters/http/caller-tiers.ts';
import { dialPlanRoutes } from './adapters/http/dial-plan.ts';
import { startAcdClock } from './application/acd-clock.ts';
import { siteDeskOf } from './application/acd-desks.ts';
import { overflowReactor } from './application/acd-overflow.ts';
import { telephonyCallsReactor } from './application/acd-telephony.ts';
import { callerTiers } from './application/caller-tiers.ts';
import type { RoutingConfig } from './config.ts';

export function routingService(config: RoutingConfig): EventSourcedServiceSpec {
  const tokens = accessTokens(config.AUTH_TOKEN_SECRET);
  const deskOf = (context: ServiceContext) => siteDeskOf(context, { snapshotEvery: config.ACD_SNAPSHOT_EVERY });
  return {
    name: 'routing',
    defaultPort: 4102,
    topic: 'routing.events',
    migrationsFolder: fileURLToPath(new URL('../migrations', import.meta.url)),
    routes: (context) => async (app) => {
      // Every route needs a signed-in person or a service; each says which roles (docs/roles.md).
      requireSignIn(app, { tokens });
      await app.register(callerTierRoutes(context));
      await app.register(dialPlanRoutes(context));
      await app.register(acdRoutes(deskOf(context)));
    },
    projections: (context) => [
      callerTiers,
      telephonyCallsReactor(deskOf(context), context.store, context.logger),
      overflowReactor(deskOf(context), context.logger),
    ],
    workers: async (context) => {
      const clock = startAcdClock(deskOf(context), context.logger);
      return [() => clock.stop()];
    },
  };
}
