// The telephony service: calls and their legs, IVR sessions, recordings' metadata, switch adapters. It starts, owns its database and event store, and relays its outbox.
import type { EventSourcedServiceSpec } from '@switchboard/service-kit';

export const telephonyService: EventSourcedServiceSpec = {
  name: 'telephony',
  defaultPort: 4101,
  topic: 'telephony.calls',
  routes: () => async () => undefined,
};
