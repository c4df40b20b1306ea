// The console service: the web UI, sign-in and roles, WebSocket fan-out. It starts, owns its database and event store, and relays its outbox.
import type { EventSourcedServiceSpec } from '@switchboard/service-kit';

export const consoleService: EventSourcedServiceSpec = {
  name: 'console',
  defaultPort: 4100,
  topic: 'console.events',
  routes: () => async () => undefined,
};
