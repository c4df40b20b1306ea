// Scaffolding for the ACD's specs: a site built from commands, then "when this command, these events".
import { asDecodedEvent, CustomerTier, type EventMessage } from '@switchboard/contracts';
import type { AcdCommand } from './commands.ts';
import { decide } from './decide.ts';
import { evolve } from './evolve.ts';
import { initialState, type RegisteredSite, type SiteRouting } from './state.ts';

export const T0 = Date.UTC(2025, 0, 6, 1, 0, 0);
/** `seconds` after the scenario's start, in epoch ms. */
export const at = (seconds: number): number => T0 + seconds * 1000;

export interface Scenario {
  state: SiteRouting;
  readonly log: EventMessage[];
}

export function given(...commands: readonly (AcdCommand | readonly AcdCommand[])[]): Scenario {
  const scenario: Scenario = { state: initialState, log: [] };
  for (const c of commands.flat()) when(scenario, c);
  return scenario;
}

/** Decides and folds the events into the scenario; a rejection fails the test with its message. */
export function when(scenario: Scenario, command: AcdCommand): EventMessage[] {
  const decided = decide(command, scenario.state);
  if ('rejected' in decided) throw new Error(`${command.type} was rejected: ${decided.rejected.message}`);
  for (const event of decided) scenario.state = evolve(scenario.state, asDecodedEvent(event));
  scenario.log.push(...decided);
  return [...decided];
}

export const site = (s: Scenario): RegisteredSite => {
  if (s.state.status !== 'registered') throw new Error('the scenario has no site');
  return s.state;
};

export const typesOf = (events: readonly EventMessage[]): string[] => events.map((e) => e.$typeName.slice(e.$typeName.lastIndexOf('.') + 1));

export function only<T extends EventMessage['$typeName']>(events: readonly EventMessage[], typeName: T): Extract<EventMessage, { $typeName: T }>[] {
  return events.filter((e): e is Extract<EventMessage, { $typeName: T }> => e.$typeName === typeName);
}

export const registerSite = (noAnswerLimit?: number): AcdCommand => ({
  type: 'RegisterSite',
  siteId: 'sz',
  name: 'Shenzhen center',
  city: 'Shenzhen',
  timezone: 'Asia/Shanghai',
  isHeadquarters: false,
  ...(noAnswerLimit === undefined ? {} : { noAnswerLimit }),
});

export const defineQueue = (
  queueId: string,
  skills: Readonly<Record<string, number>>,
  more: Partial<Extract<AcdCommand, { type: 'DefineQueue' }>> = {},
): AcdCommand => ({
  type: 'DefineQueue',
  queueId,
  name: queueId,
  requiredSkills: Object.entries(skills).map(([skill, minLevel]) => ({ skill, minLevel })),
  overflowThresholdMs: 0,
  overflowChain: [],
  wrapUpMs: 0,
  ...more,
});

export const registerAgent = (agentId: string, skills: Readonly<Record<string, number>>): AcdCommand => ({
  type: 'RegisterAgent',
  agentId,
  name: agentId,
  skills: Object.entries(skills).map(([skill, level]) => ({ skill, level })),
});

/** Logs the agent in and makes them ready at `seconds`. */
export const readyAt = (agentId: string, seconds: number): AcdCommand[] => [
  { type: 'LogIn', agentId, at: at(seconds) },
  { type: 'GoReady', agentId, at: at(seconds) },
];

export const queueCall = (
  callId: string,
  queueId: string,
  seconds: number,
  tier: CustomerTier = CustomerTier.NORMAL,
  more: Partial<Extract<AcdCommand, { type: 'QueueCall' }>> = {},
): AcdCommand => ({ type: 'QueueCall', callId, queueId, tier, urgency: 0, at: at(seconds), ...more });
