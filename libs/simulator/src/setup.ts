// Puts the sample network into the platform where it is absent, and brings the virtual agents to ready (clearing what a previous run left).
import { acdSite, dialPlan, dialPlanSite, ivrFlow, type SampleNetwork } from './network.ts';
import type { Platform } from './platform.ts';
import type { Caller } from './traffic.ts';

export interface SetupReport {
  readonly created: string[];
  readonly cleared: string[];
  readonly customersRegistered: number;
}

async function expectOk(what: string, answer: Promise<{ status: number; body: Record<string, unknown> }>): Promise<void> {
  const { status, body } = await answer;
  if (status >= 300) throw new Error(`${what}: HTTP ${status} ${String(body['detail'] ?? JSON.stringify(body))}`);
}

export async function setUpNetwork(platform: Platform, network: SampleNetwork, options: { trackingUrl: string; overflowAfterMs: number; population: readonly Caller[]; log?: (line: string) => void }): Promise<SetupReport> {
  const created: string[] = [];
  const cleared: string[] = [];
  const { routing, telephony, customers } = platform.urls;
  const n = encodeURIComponent(network.nationalNumber);

  for (const site of network.sites) {
    if ((await platform.json('GET', `${routing}/sites/${site.siteId}`)).status === 404) {
      await expectOk(`dial-plan site ${site.siteId}`, platform.json('PUT', `${routing}/sites/${site.siteId}`, dialPlanSite(site)));
      created.push(`site ${site.siteId}`);
    }
  }
  if ((await platform.json('GET', `${routing}/dial-plan/${n}`)).status === 404) {
    await expectOk('the dial plan', platform.json('PUT', `${routing}/dial-plan/${n}`, dialPlan(network)));
    created.push(`dial plan ${network.nationalNumber}`);
  }
  for (const site of network.sites) {
    const acd = acdSite(site, network, options.overflowAfterMs);
    if ((await platform.acd('GET', `/sites/${site.siteId}`)).status === 404) {
      await expectOk(`ACD site ${site.siteId}`, platform.acd('PUT', `/sites/${site.siteId}`, acd.site));
      for (const q of acd.queues) await expectOk(`queue ${q.queueId}`, platform.acd('PUT', `/sites/${site.siteId}/queues/${q.queueId}`, q.body));
      created.push(`ACD site ${site.siteId}`);
    }
  }
  if ((await platform.json('GET', `${telephony}/ivr-flows/${n}`)).status === 404) {
    await expectOk('the IVR flow', platform.json('PUT', `${telephony}/ivr-flows/${n}`, ivrFlow(options.trackingUrl)));
    created.push(`IVR flow ${network.nationalNumber}`);
  }

  const log = options.log ?? (() => undefined);
  log(`simulator: sites, dial plan and IVR flow in place (${created.length} created)`);
  // Agents: registered when absent, then brought to ready from wherever a previous run left them. The callers
  // that run left are gone with its switch: their calls are abandoned first, or routing would offer them to
  // the agents being made ready (and a reserved agent cannot go ready).
  await Promise.all(
    network.sites.map(async (site) => {
      const abandonWaiting = async () => {
        const view = await platform.acd('GET', `/sites/${site.siteId}`);
        for (const queue of (view.body['queues'] as { waiting: { callId: string }[] }[] | undefined) ?? []) {
          for (const call of queue.waiting) {
            await platform.acd('POST', `/sites/${site.siteId}/calls/${call.callId}/abandon`);
            cleared.push(`call ${call.callId} left waiting at ${site.siteId}`);
          }
        }
      };
      /** Frees an agent of the call a previous run left it ringing or talking on (that caller is gone with its switch). */
      const release = async (agentId: string, desk: Record<string, unknown>) => {
        const state = desk['state'];
        const callId = desk['callId'] as string | null;
        if (state === 'on-call' && callId) await platform.acd('POST', `/sites/${site.siteId}/calls/${callId}/end`);
        if (state === 'reserved' && callId) {
          const offer = desk['offer'] as { callback?: boolean } | null;
          if (offer?.callback) {
            await platform.acd('POST', `/sites/${site.siteId}/calls/${callId}/accept`, { agentId });
            await platform.acd('POST', `/sites/${site.siteId}/calls/${callId}/callback-outcome`, { outcome: 'not-reached' });
          } else {
            await platform.acd('POST', `/sites/${site.siteId}/calls/${callId}/abandon`);
          }
        }
      };
      /** Runs `step` until its last request is taken, at most 5 times, clearing the waiting callers between tries. */
      const untilTaken = async (what: string, step: (attempt: number) => Promise<{ status: number; body: Record<string, unknown> }>) => {
        for (let attempt = 1; ; attempt++) {
          const answer = step(attempt);
          if (attempt >= 5) await expectOk(what, answer);
          if ((await answer).status < 300) return;
          await abandonWaiting();
          await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
        }
      };
      await abandonWaiting();
      // Virtual agents of an earlier, larger run have no phone at this switch: logged out, or routing would ring them.
      const mine = new Set(network.agents.map((a) => a.agentId));
      const view = await platform.acd('GET', `/sites/${site.siteId}`);
      for (const other of (view.body['agents'] as { agentId: string; state: string }[] | undefined) ?? []) {
        if (mine.has(other.agentId) || !other.agentId.startsWith('sim-') || other.state === 'logged-out') continue;
        const path = `/sites/${site.siteId}/agents/${other.agentId}`;
        // Released, the agent was free for a moment: a caller overflowing from another site may have reached it.
        await untilTaken(`agent ${other.agentId} logged out`, async () => {
          await release(other.agentId, (await platform.acd('GET', path)).body);
          await platform.acd('POST', `${path}/state`, { state: 'not-ready', reason: 'logging-out' });
          return platform.acd('POST', `${path}/state`, { state: 'logged-out' });
        });
        cleared.push(`agent ${other.agentId} logged out (not in this run)`);
      }
      for (const agent of network.agents.filter((a) => a.siteId === site.siteId)) {
        const path = `/sites/${site.siteId}/agents/${agent.agentId}`;
        if ((await platform.acd('GET', path)).status === 404) {
          await expectOk(`agent ${agent.agentId}`, platform.acd('PUT', path, { name: agent.name, skills: agent.skills }));
        }
        // A call of the previous run that was still in its IVR may reach this agent meanwhile: cleared, and tried again.
        await untilTaken(`agent ${agent.agentId} ready`, async (attempt) => {
          const desk = await platform.acd('GET', path);
          const state = desk.body['state'];
          await release(agent.agentId, desk.body);
          if (attempt === 1 && state !== 'ready' && state !== 'logged-out') cleared.push(`agent ${agent.agentId} was ${String(state)}`);
          await platform.acd('POST', `${path}/state`, { state: 'logged-in' });
          await platform.acd('POST', `${path}/state`, { state: 'not-ready', reason: 'getting-ready' });
          return platform.acd('POST', `${path}/state`, { state: 'ready' });
        });
      }
      await abandonWaiting();
    }),
  );
  log(`simulator: ${network.agents.length} agents ready`);

  let customersRegistered = 0;
  // The most frequent callers are the first of the population: those with a tier among them become customers.
  const tiered = options.population.slice(0, 400).filter((c) => c.tier !== 'normal');
  // Registered once: a later run finds the first one's tier already known to routing.
  const known = tiered[0] !== undefined && (await platform.json('GET', `${routing}/caller-tiers/${encodeURIComponent(tiered[0].number)}`)).body['tier'] === tiered[0].tier;
  if (customers !== undefined && !known) {
    for (let i = 0; i < tiered.length; i += 20) {
      const answers = await Promise.all(
        tiered.slice(i, i + 20).map((c, j) =>
          platform.json('POST', `${customers}/customers`, { name: `Simulated ${c.tier} customer ${i + j + 1}`, tier: c.tier, phoneNumbers: [c.number] }, 5_000).catch(() => ({ status: 0, body: {} })),
        ),
      );
      customersRegistered += answers.filter((a) => a.status === 201).length;
    }
  }
  log(`simulator: ${customersRegistered} customers with a tier registered`);
  return { created, cleared, customersRegistered };
}
