// Probes: alive whenever the process answers; ready only when the service says so and is not closing.
import { parseConfig } from '@switchboard/config';
import { describe, expect, it } from 'vitest';
import { baseServiceConfig, createLogger, createService } from '../src/index.ts';

function serviceWith(readiness: () => Promise<string | undefined>) {
  return createService({
    name: 'probes-test',
    config: parseConfig(baseServiceConfig(0), {}),
    logger: createLogger({ name: 'probes-test', level: 'silent' }),
    routes: async () => {},
    readiness,
  });
}

describe('probes', () => {
  it('reports alive on /healthz', async () => {
    const service = serviceWith(async () => 'the event store is unreachable');
    const response = await service.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
    await service.close();
  });

  it('is not ready while readiness reports a reason, and ready once it does not', async () => {
    let reason: string | undefined = 'the routing state of site sz-01 is still being rebuilt';
    const service = serviceWith(async () => reason);

    const waiting = await service.app.inject({ method: 'GET', url: '/readyz' });
    expect(waiting.statusCode).toBe(503);
    expect(waiting.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(waiting.json()).toMatchObject({ status: 503, code: 'not-ready', detail: reason });

    reason = undefined;
    const ready = await service.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready' });
    await service.close();
  });

  it('is not ready when the readiness check itself fails', async () => {
    const service = serviceWith(async () => {
      throw new Error('pool exhausted');
    });
    const response = await service.app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json().detail).toContain('pool exhausted');
    await service.close();
  });

  it('runs the closers in order, each even if one before failed, and reports the failure', async () => {
    const ran: string[] = [];
    const service = createService({
      name: 'closers-test',
      config: parseConfig(baseServiceConfig(0), {}),
      logger: createLogger({ name: 'closers-test', level: 'silent' }),
      routes: async () => {},
      onClose: [
        async () => {
          ran.push('consumer');
          throw new Error('commit failed');
        },
        async () => {
          ran.push('pool');
        },
      ],
    });
    await expect(service.close()).rejects.toThrow(AggregateError);
    await expect(service.close()).rejects.toThrow(AggregateError);
    expect(ran).toEqual(['consumer', 'pool']);
  });
});
