// The event backbone: one port, a local-log adapter (embedded mode) and a Kafka adapter (distributed mode).
export * from './port.ts';
export { deliverBatch, deadLetterMessage } from './delivery.ts';
export { replayDeadLetters, originalOf, type DeadLetterReplay } from './dead-letters.ts';
export { partitionForKey } from './partitioner.ts';
export { createLocalEventBus, migrateLocalLog, type LocalEventBusOptions } from './local/index.ts';
export { createEventBus, eventBusEnv, checkEventBusEnv, eventBusConfigFromEnv, type EventBusConfig } from './config.ts';
export { createKafkaEventBus, type KafkaEventBusOptions } from './kafka/index.ts';
