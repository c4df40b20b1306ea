// The sample network the simulator sets up when it is absent: cities with their sites, queues, agents, the national number's dial plan and IVR flow.
import type { Random } from './random.ts';

export interface City {
  readonly siteId: string;
  readonly city: string;
  /** The E.164 prefix of the city's numbers: the dial plan sends its callers here. */
  readonly prefix: string;
  /** Share of the country's callers. */
  readonly weight: number;
}

/** Headquarters first. */
export const cities: readonly City[] = [
  { siteId: 'beijing-hq', city: 'Beijing', prefix: '+8610', weight: 14 },
  { siteId: 'shanghai', city: 'Shanghai', prefix: '+8621', weight: 14 },
  { siteId: 'guangzhou', city: 'Guangzhou', prefix: '+8620', weight: 10 },
  { siteId: 'shenzhen', city: 'Shenzhen', prefix: '+86755', weight: 10 },
  { siteId: 'chengdu', city: 'Chengdu', prefix: '+8628', weight: 7 },
  { siteId: 'wuhan', city: 'Wuhan', prefix: '+8627', weight: 6 },
  { siteId: 'hangzhou', city: 'Hangzhou', prefix: '+86571', weight: 6 },
  { siteId: 'nanjing', city: 'Nanjing', prefix: '+8625', weight: 5 },
  { siteId: 'xian', city: "Xi'an", prefix: '+8629', weight: 5 },
  { siteId: 'chongqing', city: 'Chongqing', prefix: '+8623', weight: 6 },
  { siteId: 'tianjin', city: 'Tianjin', prefix: '+8622', weight: 5 },
  { siteId: 'shenyang', city: 'Shenyang', prefix: '+8624', weight: 4 },
];

export const NATIONAL_NUMBER = '+8695105555';
export const QUEUES = ['general', 'dispatch', 'complaints'] as const;
export type QueueId = (typeof QUEUES)[number];
const SKILL_OF: Record<QueueId, string> = { general: 'general', dispatch: 'pickup', complaints: 'complaints' };

export interface VirtualAgentSpec {
  readonly agentId: string;
  readonly siteId: string;
  readonly name: string;
  readonly skills: readonly { readonly skill: string; readonly level: number }[];
}

export interface SampleNetwork {
  readonly nationalNumber: string;
  readonly sites: readonly (City & { readonly headquarters: boolean })[];
  readonly agents: readonly VirtualAgentSpec[];
}

export interface NetworkOptions {
  /** How many cities have a site (1–12), headquarters always among them. */
  readonly sites: number;
  readonly agentsPerSite: number;
}

export function sampleNetwork(options: NetworkOptions, random: Random): SampleNetwork {
  const count = Math.max(1, Math.min(cities.length, options.sites));
  const sites = cities.slice(0, count).map((c, i) => ({ ...c, headquarters: i === 0 }));
  const agents: VirtualAgentSpec[] = [];
  for (const site of sites) {
    for (let a = 0; a < options.agentsPerSite; a++) {
      const r = random.fork(`${site.siteId}-agent-${a}`);
      // Everyone answers general enquiries; some book pickups, fewer handle complaints. The first of each site does all three.
      const skills = [{ skill: 'general', level: 1 + r.int(10) }];
      if (a === 0 || r.chance(0.6)) skills.push({ skill: 'pickup', level: 1 + r.int(10) });
      if (a === 0 || r.chance(0.3)) skills.push({ skill: 'complaints', level: 1 + r.int(10) });
      agents.push({ agentId: `sim-${site.siteId}-${String(a + 1).padStart(3, '0')}`, siteId: site.siteId, name: `${site.city} agent ${a + 1}`, skills });
    }
  }
  return { nationalNumber: NATIONAL_NUMBER, sites, agents };
}

const allDay = [{ opens: '00:00', closes: '24:00' }];
const everyDay = { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay };

/** Routing's dial-plan site (PUT /sites/:siteId). */
export const dialPlanSite = (site: SampleNetwork['sites'][number]) => ({
  name: `${site.city} ${site.headquarters ? 'headquarters' : 'center'}`,
  city: site.city,
  timezone: 'Asia/Shanghai',
  headquarters: site.headquarters,
  capacity: 10_000,
  openingHours: everyDay,
});

/** The national number's plan: by the caller's region, else headquarters; a site nobody staffs overflows to headquarters. */
export function dialPlan(network: SampleNetwork) {
  const hq = network.sites[0]!.siteId;
  return {
    rules: [{ kind: 'region' }, { kind: 'site', siteId: hq }],
    regions: network.sites.map((s) => ({ prefix: s.prefix, siteId: s.siteId, region: s.city })),
    overflow: network.sites.filter((s) => !s.headquarters).map((s) => ({ siteId: s.siteId, then: [hq] })),
  };
}

/** The ACD site and its queues; a call waiting too long at a city overflows to headquarters. */
export function acdSite(site: SampleNetwork['sites'][number], network: SampleNetwork, overflowAfterMs: number) {
  const hq = network.sites[0]!.siteId;
  return {
    site: { name: dialPlanSite(site).name, city: site.city, timezone: 'Asia/Shanghai', headquarters: site.headquarters, noAnswerLimit: 3 },
    queues: QUEUES.map((queueId) => ({
      queueId,
      body: {
        name: queueId[0]!.toUpperCase() + queueId.slice(1),
        requiredSkills: [{ skill: SKILL_OF[queueId], minLevel: 1 }],
        overflowThresholdMs: site.headquarters ? 0 : overflowAfterMs,
        overflowChain: site.headquarters ? [] : [{ siteId: hq, queueId }],
        // The virtual agents say when they are done; this is only the ceiling.
        wrapUpMs: 120_000,
      },
    })),
  };
}

/** The IVR of the national number; `trackingUrl` answers waybill look-ups (the simulator serves it, standing in for the orders service). */
export function ivrFlow(trackingUrl: string) {
  return {
    language: 'zh-CN',
    open: {
      start: 'greeting',
      nodes: {
        greeting: { kind: 'play', say: 'Welcome to Swift Express.', next: 'main-menu' },
        'main-menu': {
          kind: 'menu',
          say: 'Press 1 to book a pickup, 2 to track a waybill, 0 for an agent.',
          options: { '1': 'pickup-queue', '2': 'waybill', '0': 'callback-offer' },
          maxAttempts: 2,
          fallback: 'callback-offer',
        },
        waybill: { kind: 'collect', say: 'Enter your 12-digit waybill number, then the hash key.', variable: 'waybill', minDigits: 12, maxDigits: 12, finishOnKey: '#', next: 'track' },
        track: {
          kind: 'self-service',
          service: 'waybill-tracking',
          url: trackingUrl,
          say: 'Waybill {{waybill}} is {{answer.status}}, last seen in {{answer.location}}.',
          failureSay: 'Sorry, we cannot look up waybill {{waybill}} right now.',
          timeoutSeconds: 2,
          next: 'after-tracking',
        },
        'after-tracking': { kind: 'menu', say: 'Press 9 for the main menu, 0 for an agent.', options: { '9': 'main-menu', '0': 'callback-offer' } },
        'callback-offer': {
          kind: 'callback-offer',
          say: 'All our agents are busy. Press 1 to be called back, or stay on the line.',
          key: '1',
          queue: 'general',
          businessType: 'general',
          confirmSay: 'We will call you back soon. Goodbye.',
          next: 'general-queue',
        },
        'general-queue': { kind: 'queue', say: 'Connecting you to an agent.', queue: 'general', businessType: 'general' },
        'pickup-queue': { kind: 'queue', queue: 'dispatch', businessType: 'pickup' },
      },
    },
  };
}
