// The README's start command, as a user runs it: everything comes up, stops on Ctrl-C, and comes back with its data.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { accessTokens } from '@switchboard/service-kit';
import { eventually, freePort } from '@switchboard/testing';

const repoRoot = resolve(import.meta.dirname, '../../..');
const cli = join(repoRoot, 'deploy/cli/src/main.ts');
const names = ['console', 'telephony', 'routing', 'customers', 'orders', 'qa', 'reporting'];

const launched: ChildProcess[] = [];
// A launcher left running by a failed test is stopped as a user would (Ctrl-C), so that it stops its
// services and Postgres too (they run in process groups of their own and would outlive a SIGKILL).
afterAll(async () => {
  await Promise.all(
    launched
      .filter((child) => child.exitCode === null)
      .map(
        (child) =>
          new Promise<void>((done) => {
            const force = setTimeout(() => child.kill('SIGKILL'), 30_000);
            child.once('exit', () => {
              clearTimeout(force);
              done();
            });
            child.kill('SIGINT');
          }),
      ),
  );
}, 40_000);

/** Resolves true once the launcher reports it runs; fails at once if it exited instead. */
const running = (launcher: ReturnType<typeof launch>) => () => {
  if (launcher.child.exitCode !== null) throw new Error(`the launcher exited with ${launcher.child.exitCode}:\n${launcher.output()}`);
  return /Switchboard is running[\s\S]*data folder/.test(launcher.output());
};

function launch(env: Record<string, string>) {
  const child = spawn(process.execPath, [cli, 'start'], { cwd: repoRoot, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  launched.push(child);
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

describe('./switchboard start', () => {
  it('starts every service on the embedded defaults, stops on Ctrl-C, and starts again with the data intact', async () => {
    await mkdir(join(repoRoot, '.test-data'), { recursive: true });
    const dataDir = await mkdtemp(join(repoRoot, '.test-data/launcher-'));
    await chmod(dataDir, 0o755); // as a data folder made by hand would be (mkdtemp makes it private)
    const ports = Object.fromEntries(await Promise.all(names.map(async (n) => [`${n.toUpperCase()}_PORT`, String(await freePort())])));
    const env = { SWITCHBOARD_DATA_DIR: dataDir, SWITCHBOARD_POSTGRES_PORT: String(await freePort()), ...ports };
    const customers = `http://127.0.0.1:${ports.CUSTOMERS_PORT}`;
    const routing = `http://127.0.0.1:${ports.ROUTING_PORT}`;

    const first = launch(env);
    await eventually('the launcher says it is running', running(first), 120_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${first.output()}`);
    });
    expect(first.output()).toContain('starting the embedded Postgres');
    expect(first.output()).toContain('ready (7/7)');
    for (const name of names) expect(first.output()).toContain(`http://127.0.0.1:${ports[`${name.toUpperCase()}_PORT`]}`);

    // The services check access tokens signed with the key the launcher kept in the data folder.
    const authSecret = (await readFile(join(dataDir, 'secrets', 'auth-token-secret'), 'utf8')).trim();
    const asService = { authorization: `Bearer ${await accessTokens(authSecret).issueService('launcher-test', 600)}` };
    const created = await fetch(`${customers}/customers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...asService },
      body: JSON.stringify({ name: 'Chen Jie', tier: 'platinum', phoneNumbers: ['+8618912345678'] }),
    });
    expect(created.status).toBe(201);
    const { customerId } = (await created.json()) as { customerId: string };

    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('stopped; the data stays in place');
    expect(existsSync(join(dataDir, 'postgres/postmaster.pid'))).toBe(false);

    const second = launch(env);
    await eventually('running again', running(second), 120_000);
    // The same key after a restart: the token made before it still signs in.
    const again = await fetch(`${customers}/customers/${customerId}`, { headers: asService });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ name: 'Chen Jie', tier: 'platinum' });
    expect((await fetch(`${customers}/customers/${customerId}`)).status).toBe(401);
    const tier = (await (await fetch(`${routing}/caller-tiers/%2B8618912345678`, { headers: asService })).json()) as { tier: string };
    expect(tier.tier).toBe('platinum');
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
    await rm(dataDir, { recursive: true, force: true });
  }, 300_000);

  it('refuses a wrong setting at once, naming it, with exit code 2', () => {
    const result = spawnSync(process.execPath, [cli, 'start'], { cwd: repoRoot, env: { ...process.env, SWITCHBOARD_POSTGRES_PORT: 'five', KAFKA_BROKERS: '' }, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('SWITCHBOARD_POSTGRES_PORT: must be a port number (0 to 65535) (got "five")');
    expect(result.stderr).toContain('KAFKA_BROKERS: must name at least one entry');
  });
});
