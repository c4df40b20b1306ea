// The routing service: sites, dial plan, queues and agents (the ACD); for now the caller-tier read model.
import { fileURLToPath } from 'node:url';
import type { EventSourcedServiceSpec } from '@switchboard/service-kit';
import { callerTierRoutes } from './adapters/http/caller-tiers.ts';
import { dialPlanRoutes } from './adapters/http/dial-plan.ts';
import { callerTiers } from './application/caller-tiers.ts';

export const routingService: EventSourcedServiceSpec = {
  name: 'routing',
  defaultPort: 4102,
  topic: 'routing.events',
  migrationsFolder: fileURLToPath(new URL('../migrations', import.meta.url)),
  routes: (context) => async (app) => {
    await app.register(callerTierRoutes(context));
    await app.register(dialPlanRoutes(context));
  },
  projections: () => [callerTiers],
};
