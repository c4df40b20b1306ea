import { describe, expect, it } from 'vitest';
import { ConfigError, fields, parseConfig, z } from '@switchboard/config';

const schema = z.object({ PORT: fields.port(4100), SWITCH_WEBHOOK_SECRET: z.string().min(32, 'must be at least 32 characters') });

describe('configuration', () => {
  it('names every wrong variable in one line each, with what it got', () => {
    try {
      parseConfig(schema, { PORT: 'eighty', SWITCH_WEBHOOK_SECRET: 'x'.repeat(40) });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).problems).toEqual(['PORT: must be a port number (0 to 65535) (got "eighty")']);
    }
  });

  it('never echoes the value of a secret, even a wrong one', () => {
    try {
      parseConfig(schema, { SWITCH_WEBHOOK_SECRET: 'hunter2' });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).problems).toEqual(['SWITCH_WEBHOOK_SECRET: must be at least 32 characters (got a value of 7 characters)']);
      expect((error as Error).message).not.toContain('hunter2');
    }
  });
});
