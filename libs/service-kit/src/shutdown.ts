// SIGTERM/SIGINT handling for a service process: drain and close, exit 0; a second signal or the timeout exits 1.
import type { BaseServiceConfig } from './config.ts';
import type { Service } from './service.ts';

export interface SignalHandlingOptions {
  signals?: readonly NodeJS.Signals[];
  /** Defaults to process.exit. */
  exit?: (code: number) => void;
}

/** Installs the handlers and returns a function that removes them. */
export function installSignalHandlers<C extends BaseServiceConfig>(service: Service<C>, options: SignalHandlingOptions = {}): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const timeoutMs = service.config.SHUTDOWN_TIMEOUT_MS;
  let received: NodeJS.Signals | undefined;

  const onSignal = (signal: NodeJS.Signals): void => {
    if (received !== undefined) {
      service.logger.warn({ signal, first: received }, 'shutdown: second signal, exiting now');
      exit(1);
      return;
    }
    received = signal;
    service.logger.info({ signal, timeoutMs }, 'shutdown: signal received');
    // Not unref'd: a close stuck on a promise with nothing else pending must still end in exit 1.
    const deadline = setTimeout(() => {
      service.logger.error({ timeoutMs }, 'shutdown: did not finish in time, exiting');
      exit(1);
    }, timeoutMs);
    service.close().then(
      () => {
        clearTimeout(deadline);
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(deadline);
        service.logger.error({ err: error }, 'shutdown: closing failed');
        exit(1);
      },
    );
  };

  for (const signal of signals) {
    // Listeners run in order; one that exits (an exit hook of some library) cuts the drain short.
    const others = process.listenerCount(signal);
    if (others > 0) service.logger.warn({ signal, others }, 'shutdown: another listener handles this signal and may exit before requests finish');
    process.on(signal, onSignal);
  }
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
}
