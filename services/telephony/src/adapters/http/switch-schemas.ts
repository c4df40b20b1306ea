// The switch webhook's bodies (one per kind of report) and its answer: call control, as TypeBox schemas.
import { Type, type Static } from '@switchboard/service-kit';

const common = {
  switchEventId: Type.String({ minLength: 1, maxLength: 200, description: 'the switch’s id of this report; a repeat is answered as the first time' }),
  switchCallRef: Type.String({ minLength: 1, maxLength: 200, description: 'the switch’s id of the call (SIP Call-ID, CPaaS call sid)' }),
  at: Type.String({ format: 'date-time', description: 'when it happened, RFC 3339' }),
};
const E164OrWithheld = Type.String({ pattern: '^(\\+[1-9][0-9]{6,14})?$', description: 'E.164, or empty when withheld' });
const ServiceNumber = Type.String({ pattern: '^\\+?[0-9]{3,15}$', description: 'the number dialled, e.g. +8695105000 or 95105000' });

export const SwitchEventBody = Type.Union([
  Type.Object({ kind: Type.Literal('call-arrived'), ...common, callingNumber: E164OrWithheld, dialledNumber: ServiceNumber, siteId: Type.Optional(Type.String({ maxLength: 64 })) }),
  Type.Object({ kind: Type.Literal('digits-entered'), ...common, digits: Type.String({ pattern: '^[0-9*#]{0,64}$', description: 'empty: no key before the timeout' }) }),
  Type.Object({ kind: Type.Literal('answered'), ...common, agentId: Type.String({ minLength: 1, maxLength: 100 }) }),
  Type.Object({ kind: Type.Literal('agent-no-answer'), ...common, agentId: Type.String({ minLength: 1, maxLength: 100, description: 'the agent whose phone rang out' }) }),
  Type.Object({ kind: Type.Literal('held'), ...common }),
  Type.Object({ kind: Type.Literal('resumed'), ...common }),
  Type.Object({ kind: Type.Literal('transferred'), ...common, target: Type.String({ minLength: 1, maxLength: 200, description: 'queue:<name>, agent:<id>, site:<id> or a number' }) }),
  Type.Object({ kind: Type.Literal('ended'), ...common, by: Type.Union([Type.Literal('caller'), Type.Literal('agent'), Type.Literal('system')]) }),
  Type.Object({
    kind: Type.Literal('recording-ready'),
    ...common,
    url: Type.String({ format: 'uri', maxLength: 2000 }),
    durationSeconds: Type.Integer({ minimum: 0, maximum: 86_400 }),
  }),
  // The post-call survey, run by the switch after an answered call ended.
  Type.Object({ kind: Type.Literal('survey-offered'), ...common }),
  Type.Object({ kind: Type.Literal('survey-answered'), ...common, key: Type.Enum(['1', '2', '3'], { description: 'the key the caller pressed: 1 satisfied, 2 neutral, 3 dissatisfied' }) }),
  Type.Object({ kind: Type.Literal('survey-no-answer'), ...common }),
]);
export type SwitchEventBody = Static<typeof SwitchEventBody>;

const Say = Type.Object({ action: Type.Literal('say'), text: Type.String(), language: Type.String() });
const Play = Type.Object({ action: Type.Literal('play'), audio: Type.String() });

/** Call control: what the switch does next, in order. */
export const Instruction = Type.Union([
  Say,
  Play,
  Type.Object({
    action: Type.Literal('collect'),
    minDigits: Type.Integer(),
    maxDigits: Type.Integer(),
    timeoutSeconds: Type.Integer(),
    finishOnKey: Type.Optional(Type.String()),
    prompts: Type.Array(Type.Union([Say, Play])),
  }),
  Type.Object({ action: Type.Literal('bridge'), target: Type.String({ description: 'queue:<name> (routing picks the agent) or agent:<id>' }) }),
  Type.Object({ action: Type.Literal('transfer'), target: Type.String() }),
  Type.Object({ action: Type.Literal('hangup') }),
]);

export const SwitchAnswerBody = Type.Object({ callId: Type.String(), instructions: Type.Array(Instruction) });
