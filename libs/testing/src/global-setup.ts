// Vitest global setup: one embedded Postgres and one Kafka-protocol mock cluster for the whole run.
import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '@switchboard/postgres';
import { startMockKafka } from './mock-kafka.ts';
import { freePort } from './ports.ts';

import './provided.ts';

export default async function setup(project: TestProject) {
  const root = resolve(import.meta.dirname, '../../../.test-data');
  await mkdir(root, { recursive: true });
  const dataDir = await mkdtemp(join(root, 'pg-'));
  const postgres = await startEmbeddedPostgres({ dataDir, port: await freePort(), fastInit: true });
  const kafka = await startMockKafka();
  project.provide('postgresUrl', postgres.baseUrl);
  project.provide('kafkaBrokers', kafka.brokers);
  return async () => {
    await kafka.stop();
    await postgres.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
