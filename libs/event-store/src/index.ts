// Event-sourced aggregates on Postgres (Prisma 7 on node-postgres): the store, the outbox relay, the command handler, projections.
export { migrateEventStore, connectPrisma, poolOf, type PrismaClient, type Prisma } from './client.ts';
export { EventStore, StreamVersionConflict, type StoredEvent, type AppendOptions, type EventStoreOptions } from './store.ts';
export { startOutboxRelay, type OutboxRelay, type OutboxRelayOptions } from './relay.ts';
export { handleCommand, type Decider, type CommandResult } from './command.ts';
export { runProjection, rebuildProjection, applyToProjection, applyBatchToProjection, type Projection, type ProjectionTx, type AroundMessage } from './projection.ts';
export { sqlOn, inTransaction, type Sql } from './sql.ts';
