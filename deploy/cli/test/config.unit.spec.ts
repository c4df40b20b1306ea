// The launcher's defaults: every port it hands out by default is one telephony's fetch will connect to.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SIMULATOR_PORT, launcherConfig } from '../src/config.ts';

/** Why fetch could not reach `port` on this machine: 'bad port' when fetch refuses the port itself. */
async function fetchRefusal(port: number): Promise<string> {
  try {
    await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) });
    return 'reached';
  } catch (error) {
    return String((error as { cause?: { message?: unknown } }).cause?.message ?? error);
  }
}

describe('the launcher’s default ports', () => {
  it('are ports fetch connects to (4190, the first simulator default, is a fetch "bad port")', async () => {
    const config = launcherConfig.parse({});
    expect(config.SWITCHBOARD_SIMULATOR_PORT).toBe(DEFAULT_SIMULATOR_PORT);
    const ports = Object.entries(config).filter(([name, value]) => name.endsWith('_PORT') && typeof value === 'number');
    expect(ports.length).toBeGreaterThanOrEqual(9);
    for (const [name, port] of ports) expect(`${name} ${port}: ${await fetchRefusal(port as number)}`).not.toContain('bad port');
    expect(await fetchRefusal(4190)).toContain('bad port');
  });
});
