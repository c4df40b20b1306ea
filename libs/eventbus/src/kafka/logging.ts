// Routes kafkajs' log lines into the service's structured (pino) logger.
import kafkajs, { type logCreator, type LogEntry } from 'kafkajs';
import pino from 'pino';
import type { KafkaBusLogger, KafkaLogLevel } from './options.ts';

const { logLevel: KafkaJsLevel } = kafkajs;

export function kafkaJsLevel(level: KafkaLogLevel): number {
  switch (level) {
    case 'silent':
      return KafkaJsLevel.NOTHING;
    case 'error':
      return KafkaJsLevel.ERROR;
    case 'warn':
      return KafkaJsLevel.WARN;
    case 'info':
      return KafkaJsLevel.INFO;
    case 'debug':
      return KafkaJsLevel.DEBUG;
  }
}

export function defaultLogger(level: KafkaLogLevel): KafkaBusLogger {
  return pino({ name: 'eventbus.kafka', level });
}

/**
 * kafkajs logs every error response of the protocol at error level, including REBALANCE_IN_PROGRESS,
 * which a healthy group answers at each membership change; those go to info so alerts mean something.
 */
const isRoutineRebalance = (entry: LogEntry): boolean =>
  typeof entry.log['error'] === 'string' && /rebalanc/i.test(entry.log['error']);

export function logCreatorFor(logger: KafkaBusLogger): logCreator {
  return () => (entry) => {
    const { message, timestamp: _timestamp, ...fields } = entry.log;
    const line = { ...fields, kafkajs: entry.namespace };
    if (entry.level === KafkaJsLevel.ERROR) {
      if (isRoutineRebalance(entry)) logger.info(line, message);
      else logger.error(line, message);
    } else if (entry.level === KafkaJsLevel.WARN) logger.warn(line, message);
    else if (entry.level === KafkaJsLevel.INFO) logger.info(line, message);
    else logger.debug(line, message);
  };
}
