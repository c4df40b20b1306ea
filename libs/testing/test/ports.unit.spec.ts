import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from '@switchboard/testing';

describe('free ports for a system of services', () => {
  it('never hands out the same port twice, so two services of one system cannot be given one port', async () => {
    const ports: number[] = [];
    for (let i = 0; i < 300; i++) ports.push(await freePort());
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('hands out a port something can listen on', async () => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
    await new Promise((resolve) => server.close(resolve));
  });
});
