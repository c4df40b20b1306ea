// `./switchboard dead-letters --replay <group>`: a consumer group's dead letters sent back to their topics, once
// their cause is fixed. Each is sent once (the replay remembers how far it got); every consumer is idempotent,
// so the groups that had handled them pass over them and the group they failed in handles them now (if it takes
// events in any order, as reporting's ingestion does; libs/eventbus/src/dead-letters.ts).
import { loadConfigOrExit } from '@switchboard/config';
import { createKafkaEventBus, createLocalEventBus, replayDeadLetters, type EventBus } from '@switchboard/eventbus';
import { embeddedServerUrl } from '@switchboard/postgres';
import { launcherConfig } from '../config.ts';
import { BUS_DATABASE } from '../services.ts';
import type { CliCommand } from './types.ts';

const USAGE = `usage: ./switchboard dead-letters --replay <consumer group>
  e.g. ./switchboard dead-letters --replay reporting.ingest
A group's dead letters are on the topic <group>.dlq, each with why it failed (x-dlq-error). The group handles
them again if it takes events in any order (reporting.ingest); a projection passes over an event older than
the last one it applied of the same stream: for a projection, rebuild its read model instead.`;

export const command: CliCommand = {
  summary: "send a consumer group's dead letters back to their topics once their cause is fixed (--replay <group>)",
  async run(args) {
    const at = args.indexOf('--replay');
    const group = at >= 0 ? args[at + 1] : undefined;
    if (group === undefined || group.startsWith('-')) {
      process.stderr.write(`${USAGE}\n`);
      process.exitCode = 2;
      return;
    }
    const config = loadConfigOrExit(launcherConfig);
    let bus: EventBus;
    try {
      bus = config.KAFKA_BROKERS
        ? createKafkaEventBus({ brokers: config.KAFKA_BROKERS, clientId: 'switchboard-cli' })
        : await createLocalEventBus({ databaseUrl: config.EVENTBUS_DATABASE_URL ?? `${embeddedServerUrl(config.SWITCHBOARD_POSTGRES_PORT)}/${BUS_DATABASE}` });
    } catch (error) {
      if (/ECONNREFUSED/.test(String(error))) throw new Error(`no Postgres answers on port ${config.SWITCHBOARD_POSTGRES_PORT}: is ./switchboard start running?`);
      throw error;
    }
    try {
      process.stdout.write(`replaying the dead letters of ${group} …\n`);
      let shown = 0;
      const replay = await replayDeadLetters(bus, group, {
        onReplayed: (done) => {
          if (done - shown < 1_000) return;
          shown = done;
          process.stdout.write(`  ${done.toLocaleString('en-US')} sent back …\n`);
        },
      });
      process.stdout.write(`sent back ${replay.replayed.toLocaleString('en-US')} dead letters of ${group}\n`);
      for (const [topic, n] of Object.entries(replay.byTopic)) process.stdout.write(`  to ${topic}: ${n.toLocaleString('en-US')}\n`);
      if (replay.replayed > 0) process.stdout.write('they had failed with:\n');
      for (const [reason, n] of Object.entries(replay.byReason).sort((a, b) => b[1] - a[1])) process.stdout.write(`  ${n.toLocaleString('en-US').padStart(8)}× ${reason}\n`);
    } finally {
      await bus.close();
    }
  },
};
