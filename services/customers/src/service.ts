// The customers service: customer records, their numbers and tiers (and, later, the timeline and complaints).
import type { EventSourcedServiceSpec } from '@switchboard/service-kit';
import { customerRoutes } from './adapters/http/customers.ts';

export const customersService: EventSourcedServiceSpec = {
  name: 'customers',
  defaultPort: 4103,
  topic: 'customers.events',
  routes: customerRoutes,
};
