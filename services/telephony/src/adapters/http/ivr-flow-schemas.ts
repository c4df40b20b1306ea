// The IVR flow document of the admin API as TypeBox: the same shape the domain's IvrFlow types.
import { Type, type Static } from '@switchboard/service-kit';
import type { IvrFlow } from '../../domain/ivr/flow.ts';

const NodeId = Type.String({ minLength: 1, maxLength: 64 });
const Key = Type.String({ pattern: '^[0-9*#]$' });
const Text = Type.String({ minLength: 1, maxLength: 1000 });
const prompted = { say: Type.Optional(Text), audio: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) };
const seconds = Type.Optional(Type.Integer({ minimum: 1, maximum: 120 }));
const inputRules = { timeoutSeconds: seconds, maxAttempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })), invalidSay: Type.Optional(Text), fallback: Type.Optional(NodeId) };
const handover = { queue: Type.String({ minLength: 1, maxLength: 100 }), businessType: Type.String({ minLength: 1, maxLength: 100 }), language: Type.Optional(Type.String({ minLength: 2, maxLength: 35 })) };

// No additionalProperties: false on the variants: with fastify's removeAdditional, ajv would strip the
// fields of one variant while trying another.
export const IvrNodeSchema = Type.Union([
  Type.Object({ kind: Type.Literal('play'), ...prompted, next: Type.Optional(NodeId) }),
  Type.Object({ kind: Type.Literal('menu'), ...prompted, ...inputRules, options: Type.Record(Key, NodeId, { minProperties: 1 }) }),
  Type.Object({
    kind: Type.Literal('collect'),
    ...prompted,
    ...inputRules,
    variable: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]*$' }),
    minDigits: Type.Integer({ minimum: 1, maximum: 64 }),
    maxDigits: Type.Integer({ minimum: 1, maximum: 64 }),
    finishOnKey: Type.Optional(Key),
    next: NodeId,
  }),
  Type.Object({
    kind: Type.Literal('self-service'),
    service: Type.String({ minLength: 1, maxLength: 100 }),
    url: Type.String({ minLength: 1, maxLength: 2000 }),
    say: Text,
    failureSay: Text,
    timeoutSeconds: seconds,
    next: Type.Optional(NodeId),
    onFailure: Type.Optional(NodeId),
  }),
  Type.Object({ kind: Type.Literal('callback-offer'), ...prompted, ...handover, key: Key, confirmSay: Text, timeoutSeconds: seconds, next: NodeId }),
  Type.Object({ kind: Type.Literal('queue'), ...prompted, ...handover }),
  Type.Object({ kind: Type.Literal('transfer'), ...prompted, target: Type.String({ minLength: 1, maxLength: 200 }) }),
  Type.Object({ kind: Type.Literal('hangup'), ...prompted }),
]);

const Graph = Type.Object({ start: NodeId, nodes: Type.Record(Type.String(), IvrNodeSchema, { minProperties: 1 }) });
const Weekday = Type.Union([Type.Literal('mon'), Type.Literal('tue'), Type.Literal('wed'), Type.Literal('thu'), Type.Literal('fri'), Type.Literal('sat'), Type.Literal('sun')]);
const Clock = Type.String({ pattern: '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$', description: 'HH:MM' });

export const IvrFlowSchema = Type.Object({
  language: Type.String({ minLength: 2, maxLength: 35 }),
  schedule: Type.Optional(
    Type.Object({
      timeZone: Type.String({ minLength: 1 }),
      openingHours: Type.Array(Type.Object({ days: Type.Array(Weekday, { minItems: 1 }), opens: Clock, closes: Clock })),
      holidays: Type.Array(Type.Object({ date: Type.String({ format: 'date' }), name: Type.Optional(Type.String()) })),
    }),
  ),
  open: Graph,
  closed: Type.Optional(Graph),
});

export const SavedIvrFlowSchema = Type.Object({ dialledNumber: Type.String(), siteId: Type.String(), version: Type.Integer(), flow: IvrFlowSchema });

export type IvrFlowDocument = Static<typeof IvrFlowSchema>;

// The admin API's document and the domain's type stay one shape: the compiler checks the document is a flow.
export const asIvrFlow = (document: IvrFlowDocument): IvrFlow => document;
/** A saved flow as the document (the domain's arrays are read-only, the document's are not). */
export const asDocument = (flow: IvrFlow): IvrFlowDocument => flow as IvrFlowDocument;
