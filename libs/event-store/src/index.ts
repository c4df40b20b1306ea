// Event-sourced aggregates on Postgres (Prisma 7 on node-postgres): the store, snapshots, the outbox relay, the command handler, projections.
export { migrateEventStore, connectPrisma, poolOf, type PrismaClient, type Prisma } from './client.ts';
export { EventStore, StreamVersionConflict, type StoredEvent, type AppendOptions, type LoadOptions, type EventStoreOptions } from './store.ts';
export { StreamSnapshots, type StreamSnapshot, type SnapshotLoad } from './snapshots.ts';
export { startOutboxRelay, type OutboxRelay, type OutboxRelayOptions } from './relay.ts';
export { handleCommand, currentState, RecentStates, type Decider, type CommandResult, type CommandOptions } from './command.ts';
export { runProjection, rebuildProjection, applyToProjection, applyBatchToProjection, type Projection, type ProjectionTx, type AroundMessage } from './projection.ts';
export { sqlOn, inTransaction, isDatabaseUnavailable, type Sql } from './sql.ts';
