// The simulator drives telephony and routing (each its own process) through the real switch interface for
// a while, and the platform keeps its promises: no call offered to two agents at once, no agent holding two calls,
// every call ending in exactly one outcome, the counts adding up, and nothing left stuck in routing afterwards.
import { afterAll, describe, expect, it } from 'vitest';
import { countsAddUp, formatSummary, OUTCOMES, startSimulation } from '../../libs/simulator/src/index.ts';
import { freePort, freshDatabase, jsonClient, startServiceProcess, type Json, type ServiceProcess } from '@switchboard/testing';
import { asService, E2E_AUTH_SECRET, serviceToken } from './signed-in.ts';

const SECRET = 'e2e-simulated-traffic-secret-of-32-characters';
const running: ServiceProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((p) => p.kill('SIGTERM')));
});

describe('simulated traffic against the real services', () => {
  it('keeps the invariants over ~20 s of calls at 3 calls/s', async () => {
    const bus = await freshDatabase('bus');
    const switchPort = await freePort();
    const start = async (name: string, extra: Record<string, string> = {}) => {
      const p = await startServiceProcess(name, { DATABASE_URL: await freshDatabase(name), EVENTBUS_DATABASE_URL: bus, AUTH_TOKEN_SECRET: E2E_AUTH_SECRET, ...extra }, await freePort());
      running.push(p);
      return p;
    };
    const [telephony, routing] = await Promise.all([
      start('telephony', { SWITCH_WEBHOOK_SECRET: SECRET, SWITCH_CONTROL_URL: `http://127.0.0.1:${switchPort}/control` }),
      start('routing'),
    ]);

    const simulation = await startSimulation({
      urls: { telephony: telephony.url, routing: routing.url },
      secret: SECRET,
      accessToken: () => serviceToken('simulator'),
      seed: 20261123,
      ratePerSecond: 3,
      speed: 4,
      sites: 3,
      agentsPerSite: 5,
      durationMs: 20_000,
      drainMs: 15_000,
      switchPort,
    });
    const { tally } = await simulation.done;
    const summary = formatSummary({ elapsedMs: 0, tally });

    expect(tally.violations, summary).toEqual([]);
    expect(countsAddUp(tally), summary).toBe(true);
    expect(tally.counts.arrived).toBeGreaterThan(35);
    expect(OUTCOMES.reduce((sum, o) => sum + tally.outcomes[o], 0)).toBe(tally.counts.arrived);
    expect(tally.outcomes['failed'], summary).toBe(0);
    // The run saw real work: callers answered by agents, others served by the IVR.
    expect(tally.outcomes['answered'] + tally.outcomes['overflowed-then-answered'], summary).toBeGreaterThan(10);
    expect(tally.outcomes['self-served'], summary).toBeGreaterThan(0);
    expect(tally.counts.commands, summary).toBeGreaterThan(tally.counts.answered);
    // Telephony took the switch's post-call surveys after answered calls (a refusal would be a violation).
    expect(tally.counts.surveysOffered, summary).toBeGreaterThan(0);
    expect(tally.counts.surveysAnswered, summary).toBeGreaterThan(0);

    // Routing agrees: nobody is left on a call or ringing, and no caller still waits except callbacks not yet dialled.
    const call = jsonClient(() => routing.url, asService);
    for (const site of simulation.network.sites) {
      const view = (await call('GET', `/acd/sites/${site.siteId}`)).body;
      const agents = view['agents'] as Json[];
      expect(agents.filter((a) => a['state'] === 'on-call').map((a) => a['agentId']), summary).toEqual([]);
      const waiting = (view['queues'] as Json[]).flatMap((q) => q['waiting'] as Json[]);
      expect(waiting.filter((c) => c['callback'] !== true).map((c) => c['callId']), summary).toEqual([]);
    }
  }, 90_000);

  it('starts again where a stopped system left its callers: agents ringing or talking and callers waiting are cleared', async () => {
    const bus = await freshDatabase('bus');
    const databases = { telephony: await freshDatabase('telephony'), routing: await freshDatabase('routing') };
    const services = async (switchPort: number) => {
      const start = async (name: 'telephony' | 'routing', extra: Record<string, string> = {}) => {
        const p = await startServiceProcess(name, { DATABASE_URL: databases[name], EVENTBUS_DATABASE_URL: bus, AUTH_TOKEN_SECRET: E2E_AUTH_SECRET, ...extra }, await freePort());
        running.push(p);
        return p;
      };
      return Promise.all([start('telephony', { SWITCH_WEBHOOK_SECRET: SECRET, SWITCH_CONTROL_URL: `http://127.0.0.1:${switchPort}/control` }), start('routing')]);
    };
    const simulate = (urls: { telephony: string; routing: string }, switchPort: number, seed: number, durationMs: number, agentsPerSite: number) =>
      startSimulation({ urls, secret: SECRET, accessToken: () => serviceToken('simulator'), seed, ratePerSecond: 6, speed: 4, sites: 2, agentsPerSite, durationMs, drainMs: 15_000, switchPort });

    // The first run is stopped with the whole system while callers wait and agents ring or talk (Ctrl-C on `start --simulate`).
    const firstSwitch = await freePort();
    const [telephony, routing] = await services(firstSwitch);
    const first = await simulate({ telephony: telephony.url, routing: routing.url }, firstSwitch, 7, 120_000, 3);
    for (const until = Date.now() + 30_000; Date.now() < until; await new Promise((r) => setTimeout(r, 200))) {
      const now = first.snapshot();
      if (now.waitingNow >= 2 && now.talkingNow >= 2) break;
    }
    first.stop();
    await Promise.all([telephony.kill('SIGKILL'), routing.kill('SIGKILL')]);
    await first.switchServer.close();
    void first.done.catch(() => undefined);

    // The next start (with fewer agents) finds them in routing's log: its simulator clears them, logs out the agents it
    // has no phone for, brings its own to ready and runs.
    const secondSwitch = await freePort();
    const [telephony2, routing2] = await services(secondSwitch);
    const second = await simulate({ telephony: telephony2.url, routing: routing2.url }, secondSwitch, 8, 8_000, 2);
    const cleared = second.setup.cleared.join('; ');
    expect(second.setup.cleared.some((c) => / was (reserved|on-call)$| left waiting at /.test(c)), cleared).toBe(true);
    expect(cleared).toContain('agent sim-shanghai-003 logged out (not in this run)');
    const { tally } = await second.done;
    const summary = formatSummary({ elapsedMs: 0, tally });
    expect(tally.violations, summary).toEqual([]);
    expect(countsAddUp(tally), summary).toBe(true);
    expect(tally.outcomes['answered'] + tally.outcomes['overflowed-then-answered'], summary).toBeGreaterThan(3);
    const routed = jsonClient(() => routing2.url, asService);
    for (const site of second.network.sites) {
      const agents = (await routed('GET', `/acd/sites/${site.siteId}`)).body['agents'] as Json[];
      expect(agents.find((a) => a['agentId'] === `sim-${site.siteId}-003`)?.['state'], site.siteId).toBe('logged-out');
    }
  }, 120_000);
});
