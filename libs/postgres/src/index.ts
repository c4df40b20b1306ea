// Postgres plumbing shared by services, the launcher and the tests.
export { embeddedServerUrl, startEmbeddedPostgres, type EmbeddedPostgresOptions, type RunningPostgres } from './embedded.ts';
export { applyMigrations, readMigrations, type Migration } from './migrations.ts';
export { ensureDatabase, dropDatabase, onServer, withDatabase } from './databases.ts';
export { resetStatementStats, statementStats, statementStatsSettings, type DatabaseStat, type StatementStat } from './statement-stats.ts';
export { namedStatement, type NamedStatement } from './prepared.ts';
