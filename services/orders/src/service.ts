// The orders service: pickup orders, waybills and tracking, vehicles and GPS alarms, notification campaigns. It starts, owns its database and event store, and relays its outbox.
import type { EventSourcedServiceSpec } from '@switchboard/service-kit';

export const ordersService: EventSourcedServiceSpec = {
  name: 'orders',
  defaultPort: 4104,
  topic: 'orders.events',
  routes: () => async () => undefined,
};
