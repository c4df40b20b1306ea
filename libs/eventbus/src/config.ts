// Picks the bus adapter from configuration: the same services run on the local log or on Kafka.
import type { EventBus } from './port.ts';
import { createLocalEventBus, type LocalEventBusOptions } from './local/index.ts';

export type EventBusConfig =
  | ({ readonly kind: 'local' } & LocalEventBusOptions)
  | ({ readonly kind: 'kafka' } & Record<string, unknown>);

export async function createEventBus(config: EventBusConfig): Promise<EventBus> {
  switch (config.kind) {
    case 'local':
      return createLocalEventBus(config);
    case 'kafka':
      throw new Error('the kafka adapter is not wired yet');
    default: {
      const never: never = config;
      throw new Error(`unknown event bus kind ${JSON.stringify(never)}`);
    }
  }
}
