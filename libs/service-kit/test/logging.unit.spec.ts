// Phone numbers and secrets are personal data: whatever a route logs, no line may carry them.
import { PassThrough } from 'node:stream';
import { parseConfig } from '@switchboard/config';
import { describe, expect, it } from 'vitest';
import { Type, baseServiceConfig, createLogger, createService, maskPhoneNumbers } from '../src/index.ts';

function capturedLogger() {
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  return { logger: createLogger({ name: 'logging-test', level: 'debug', destination: stream }), lines };
}

// Seven digits in a row, outside the clock fields, would be (a piece of) a phone number.
const phoneDigits = /\d{7,}/;

describe('logs', () => {
  it('never carry a phone number, whether in a message, a field, a URL or an error', async () => {
    const { logger, lines } = capturedLogger();
    const service = createService({
      name: 'logging-test',
      config: parseConfig(baseServiceConfig(0), {}),
      logger,
      routes: async (app) => {
        app.post(
          '/calls/:ani',
          { schema: { params: Type.Object({ ani: Type.String() }), body: Type.Object({ callingNumber: Type.String() }) } },
          async (request) => {
            request.log.info({ callingNumber: request.body.callingNumber, customer: { phone: '13812345678', tier: 'gold' } }, 'call arrived');
            request.log.info(`screen pop for ${request.params.ani}`);
            request.log.warn({ calling_number: '+8613812345678', ani: 8613812345678, number: '+86 138 1234 5678' }, 'fields');
            throw new Error(`no customer has the number ${request.params.ani}`);
          },
        );
      },
    });

    const response = await service.app.inject({
      method: 'POST',
      url: '/calls/+8613812345678?msisdn=%2B8613812345678&phone=13812345678&access_token=s3cr3t',
      payload: { callingNumber: '+8613812345678' },
    });
    expect(response.statusCode).toBe(500);
    await service.close();

    const text = lines.join('\n');
    expect(lines.length).toBeGreaterThan(4);
    expect(text).toContain('screen pop for +86138****5678');
    expect(text).toContain('no customer has the number +86138****5678');
    expect(text).not.toContain('13812345678');
    expect(text).not.toContain('12345678');
    expect(text).not.toContain('s3cr3t');
    for (const line of lines) {
      const { time: _time, pid: _pid, responseTime: _took, ...entry } = JSON.parse(line) as Record<string, unknown>;
      expect(JSON.stringify(entry)).not.toMatch(phoneDigits);
    }
  });

  it('replaces secrets wherever they are nested', () => {
    const { logger, lines } = capturedLogger();
    logger.info({ login: { user: 'ops', password: 'hunter2' }, headers: { authorization: 'Bearer abc.def' }, refreshToken: 'r1' }, 'signed in');
    const entry = JSON.parse(lines[0] ?? '{}');
    expect(entry.login).toEqual({ user: 'ops', password: '[REDACTED]' });
    expect(entry.headers).toEqual({ authorization: '[REDACTED]' });
    expect(entry.refreshToken).toBe('[REDACTED]');
  });

  it('masks the middle of a number and keeps the country, the carrier and the last four digits', () => {
    expect(maskPhoneNumbers('call from +8613812345678 to +14155550123')).toBe('call from +86138****5678 to +141****0123');
    // A timestamp or an order id has no plus sign and is left alone.
    expect(maskPhoneNumbers('at 1732377600000 order 20261123001')).toBe('at 1732377600000 order 20261123001');
  });
});
