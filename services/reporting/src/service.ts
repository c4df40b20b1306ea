// The reporting service: ClickHouse ingestion, live wallboards, historical reports, staffing. It starts, owns its database and event store, and relays its outbox.
import type { EventSourcedServiceSpec } from '@switchboard/service-kit';

export const reportingService: EventSourcedServiceSpec = {
  name: 'reporting',
  defaultPort: 4106,
  topic: 'reporting.alerts',
  routes: () => async () => undefined,
};
