// librdkafka's mock Kafka cluster, hosted by Debian's kcat: a real Kafka-protocol broker for the tests.
import { spawn } from 'node:child_process';

export interface MockKafka {
  readonly brokers: string;
  stop(): Promise<void>;
}

export function startMockKafka(brokers = 3): Promise<MockKafka> {
  return new Promise((resolveCluster, reject) => {
    const child = spawn('kcat', ['-b', 'x', '-C', '-t', 'warmup', '-X', `test.mock.num.brokers=${brokers}`, '-d', 'mock'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kcat's mock cluster did not start in 15 s:\n${stderr.slice(-2000)}`));
    }, 15_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`could not run kcat (apt-get install kcat): ${error.message}`));
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < 100_000) stderr += chunk;
      const match = /bootstrap\.servers=([0-9.:,]+)/.exec(stderr);
      if (!match) return;
      clearTimeout(timer);
      child.stderr.removeAllListeners('data');
      child.stderr.resume();
      resolveCluster({
        brokers: match[1]!,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
