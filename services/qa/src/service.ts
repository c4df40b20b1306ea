// The qa service: evaluation forms, evaluations, survey answers, monitoring sessions. It starts, owns its database and event store, and relays its outbox.
import type { EventSourcedServiceSpec } from '@switchboard/service-kit';

export const qaService: EventSourcedServiceSpec = {
  name: 'qa',
  defaultPort: 4105,
  topic: 'qa.events',
  routes: () => async () => undefined,
};
