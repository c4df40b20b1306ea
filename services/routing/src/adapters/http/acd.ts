// The ACD's HTTP API: sites, queues and agents set up, agents' states, calls queued and answered, and what a site looks like now.
import { CustomerTier } from '@switchboard/contracts';
import { principalOf, ProblemError, ProblemDetailsSchema, requireOwnAgent, requireSite, Type, type Access, type ServiceRoutes, type Static } from '@switchboard/service-kit';
import { agentView, siteView } from '../../application/acd-views.ts';
import type { DeskResult, SiteDesk } from '../../application/site-desk.ts';
import type { AcdCommand, AcdRejection } from '../../domain/acd/commands.ts';
import { MAX_LEVEL, MAX_URGENCY } from '../../domain/acd/state.ts';

const Id = (example: string) => Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$', description: `letters, digits and . _ : -, e.g. ${example}` });
const SiteParams = Type.Object({ siteId: Id('shenzhen') });
const QueueParams = Type.Object({ siteId: Id('shenzhen'), queueId: Id('waybill-enquiries') });
const AgentParams = Type.Object({ siteId: Id('shenzhen'), agentId: Id('agent-0042') });
const CallParams = Type.Object({ siteId: Id('shenzhen'), callId: Id('call-7f3a') });
const Millis = (description: string) => Type.Integer({ minimum: 0, maximum: 86_400_000, description });
const Level = Type.Integer({ minimum: 1, maximum: MAX_LEVEL });

const SiteBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    city: Type.String({ minLength: 1, maxLength: 100 }),
    timezone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Asia/Shanghai' }),
    headquarters: Type.Optional(Type.Boolean()),
    noAnswerLimit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, description: 'consecutive no-answers before the agent is set not ready; default 2' })),
  },
  { additionalProperties: false },
);
const QueueBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    requiredSkills: Type.Array(Type.Object({ skill: Type.String({ minLength: 1, maxLength: 50 }), minLevel: Level }, { additionalProperties: false }), { maxItems: 20 }),
    overflowThresholdMs: Type.Optional(Millis('a call waiting longer overflows; 0 or absent: never by waiting')),
    overflowChain: Type.Optional(Type.Array(Type.Object({ siteId: Id('beijing-hq'), queueId: Id('general') }, { additionalProperties: false }), { maxItems: 20 })),
    wrapUpMs: Type.Optional(Millis('how long an agent wraps up after a call; default 0')),
  },
  { additionalProperties: false },
);
const AgentBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    skills: Type.Array(Type.Object({ skill: Type.String({ minLength: 1, maxLength: 50 }), level: Level }, { additionalProperties: false }), { maxItems: 50 }),
  },
  { additionalProperties: false },
);
const StateBody = Type.Object(
  {
    state: Type.Union([Type.Literal('logged-in'), Type.Literal('ready'), Type.Literal('not-ready'), Type.Literal('logged-out')]),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: 'the not-ready reason code, e.g. break' })),
  },
  { additionalProperties: false },
);
const tiers = { platinum: CustomerTier.PLATINUM, gold: CustomerTier.GOLD, normal: CustomerTier.NORMAL } as const;
const CallBody = Type.Object(
  {
    callId: Id('call-7f3a'),
    queueId: Id('waybill-enquiries'),
    tier: Type.Union([Type.Literal('platinum'), Type.Literal('gold'), Type.Literal('normal')]),
    urgency: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_URGENCY, description: 'from the business type; default 0' })),
    preferredAgentId: Type.Optional(Id('agent-0042')),
    preferredTimeoutMs: Type.Optional(Millis('how long only the preferred agent may take the call')),
  },
  { additionalProperties: false },
);
const AgentOnly = Type.Object({ agentId: Id('agent-0042') }, { additionalProperties: false });
const CallbackBody = Type.Object({ callbackNumber: Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$', description: 'the number to dial back, E.164, like +8613812345678' }) }, { additionalProperties: false });
const CallbackOutcomeBody = Type.Object({ outcome: Type.Union([Type.Literal('reached'), Type.Literal('not-reached')]) }, { additionalProperties: false });

const Outcome = Type.Object({ events: Type.Array(Type.String(), { description: 'the event types the command recorded, in order' }), version: Type.Integer() });
const Problems = { 400: ProblemDetailsSchema, 404: ProblemDetailsSchema, 409: ProblemDetailsSchema, 422: ProblemDetailsSchema };
const commandResponse = { 200: Outcome, ...Problems };

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const AgentStateView = Type.Object({
  agentId: Type.String(),
  name: Type.String(),
  state: Type.String(),
  reason: Nullable(Type.String()),
  callId: Nullable(Type.String()),
  since: Type.String(),
  timeInStateMs: Type.Integer(),
  consecutiveNoAnswers: Type.Integer(),
});
const SiteView = Type.Object({
  siteId: Type.String(),
  name: Type.String(),
  version: Type.Integer(),
  queues: Type.Array(
    Type.Object({
      queueId: Type.String(),
      name: Type.String(),
      staffing: Type.Record(Type.String(), Type.Integer()),
      waiting: Type.Array(
        Type.Object({
          callId: Type.String(),
          tier: Type.String(),
          urgency: Type.Integer(),
          priority: Type.Integer(),
          position: Type.Integer({ description: '1: next to be answered' }),
          expectedWaitMs: Nullable(Type.Integer({ description: 'null: nobody who could take the call is working' })),
          waitedMs: Type.Integer(),
          noAnswers: Type.Integer(),
          preferredAgentId: Nullable(Type.String()),
          callback: Type.Boolean(),
        }),
      ),
    }),
  ),
  agents: Type.Array(AgentStateView),
});
const Decision = Type.Object({
  rule: Type.String({ description: 'preferred-agent, best-skill, longest-idle or only-candidate' }),
  callChoice: Type.String({ description: 'first-in-line, highest-priority, longest-waiting or preferred-agent' }),
  candidates: Type.Array(Type.Object({ agentId: Type.String(), score: Type.Integer(), idleMs: Type.Integer() })),
  candidatesConsidered: Type.Integer(),
  passedOver: Type.Record(Type.String(), Type.Integer()),
  callsWaiting: Type.Integer(),
  waitedMs: Type.Integer(),
  waitedForPreferredMs: Type.Integer(),
  noAnswers: Type.Integer(),
  overflowPath: Type.Array(Type.String()),
  priority: Type.Integer(),
});
const AgentView = Type.Intersect([
  AgentStateView,
  Type.Object({
    offer: Nullable(Type.Object({ callId: Type.String(), queueId: Type.String(), callback: Type.Boolean(), offeredAt: Nullable(Type.String()), decision: Decision })),
  }),
]);

const statusOf: Record<AcdRejection['code'], number> = {
  'unknown-site': 404,
  'unknown-queue': 404,
  'unknown-agent': 404,
  'unknown-call': 404,
  'duplicate-call': 409,
  'wrong-state': 409,
  invalid: 422,
};

/** The desk's answer as the response: the events' types, or the rejection as problem details. */
function outcome(result: DeskResult): Static<typeof Outcome> {
  if (!result.ok) throw new ProblemError({ status: statusOf[result.rejected.code], code: result.rejected.code, detail: result.rejected.message });
  return { events: result.events.map((e) => e.type), version: result.version };
}

const notFound = (what: string, detail: string): never => {
  throw new ProblemError({ status: 404, code: `${what}-not-found`, detail });
};

type StateChange = Static<typeof StateBody>;

function stateCommand(agentId: string, { state, reason }: StateChange, at: number): AcdCommand {
  switch (state) {
    case 'logged-in':
      return { type: 'LogIn', agentId, at };
    case 'ready':
      return { type: 'GoReady', agentId, at };
    case 'not-ready':
      // Without a reason a supervisor cannot read the not-ready time; the desk must say why.
      if (reason === undefined) throw new ProblemError({ status: 400, code: 'validation-failed', detail: 'body/reason is required to go not ready', errors: [{ path: 'body/reason', message: 'is required when state is not-ready' }] });
      return { type: 'GoNotReady', agentId, reason, at };
    case 'logged-out':
      return { type: 'LogOut', agentId, at };
    default: {
      const never: never = state;
      throw new Error(`unknown agent state ${String(never)}`);
    }
  }
}

// Who may call what (docs/roles.md): configuration is written by admins and services, read by supervisors too;
// an agent's desk is the agent's own, or a supervisor's or admin's of the site; calls are queued and ended by services.
const ADMIN_WRITE: { allow: readonly Access[] } = { allow: ['admin', 'service'] };
const ADMIN_READ: { allow: readonly Access[] } = { allow: ['admin', 'supervisor', 'service'] };
const DESK: { allow: readonly Access[] } = { allow: ['agent', 'supervisor', 'admin', 'service'] };
const CALLS: { allow: readonly Access[] } = { allow: ['supervisor', 'admin', 'service'] };

export function acdRoutes(desk: SiteDesk): ServiceRoutes {
  return async (app) => {
    // Every ACD route is under a site: the caller must see it (services and headquarters see all).
    app.addHook('preHandler', async (request) => {
      const siteId = (request.params as { siteId?: string }).siteId;
      if (siteId !== undefined) requireSite(request, siteId);
    });
    app.put('/acd/sites/:siteId', { config: ADMIN_WRITE, schema: { params: SiteParams, body: SiteBody, response: commandResponse } }, async (request) => {
      const { siteId } = request.params;
      const b = request.body;
      const command: AcdCommand = { type: 'RegisterSite', siteId, name: b.name, city: b.city, timezone: b.timezone, isHeadquarters: b.headquarters ?? false, ...(b.noAnswerLimit === undefined ? {} : { noAnswerLimit: b.noAnswerLimit }) };
      return outcome(await desk.execute(siteId, command));
    });

    app.put('/acd/sites/:siteId/queues/:queueId', { config: ADMIN_WRITE, schema: { params: QueueParams, body: QueueBody, response: commandResponse } }, async (request) => {
      const { siteId, queueId } = request.params;
      const b = request.body;
      const command: AcdCommand = {
        type: 'DefineQueue',
        queueId,
        name: b.name,
        requiredSkills: b.requiredSkills,
        overflowThresholdMs: b.overflowThresholdMs ?? 0,
        overflowChain: b.overflowChain ?? [],
        wrapUpMs: b.wrapUpMs ?? 0,
      };
      return outcome(await desk.execute(siteId, command));
    });

    app.put('/acd/sites/:siteId/agents/:agentId', { config: ADMIN_WRITE, schema: { params: AgentParams, body: AgentBody, response: commandResponse } }, async (request) => {
      const { siteId, agentId } = request.params;
      return outcome(await desk.execute(siteId, { type: 'RegisterAgent', agentId, name: request.body.name, skills: request.body.skills }));
    });

    app.post('/acd/sites/:siteId/agents/:agentId/state', { config: DESK, schema: { params: AgentParams, body: StateBody, response: commandResponse } }, async (request) => {
      const { siteId, agentId } = request.params;
      requireOwnAgent(request, agentId);
      return outcome(await desk.execute(siteId, stateCommand(agentId, request.body, Date.now())));
    });

    app.post('/acd/sites/:siteId/agents/:agentId/wrap-up-done', { config: DESK, schema: { params: AgentParams, response: commandResponse } }, async (request) => {
      const { siteId, agentId } = request.params;
      requireOwnAgent(request, agentId);
      return outcome(await desk.execute(siteId, { type: 'FinishWrapUp', agentId, at: Date.now() }));
    });

    app.post('/acd/sites/:siteId/calls', { config: ADMIN_WRITE, schema: { params: SiteParams, body: CallBody, response: commandResponse } }, async (request) => {
      const b = request.body;
      const command: AcdCommand = {
        type: 'QueueCall',
        callId: b.callId,
        queueId: b.queueId,
        tier: tiers[b.tier],
        urgency: b.urgency ?? 0,
        ...(b.preferredAgentId === undefined ? {} : { preferredAgentId: b.preferredAgentId }),
        ...(b.preferredTimeoutMs === undefined ? {} : { preferredTimeoutMs: b.preferredTimeoutMs }),
        at: Date.now(),
      };
      return outcome(await desk.execute(request.params.siteId, command));
    });

    app.post('/acd/sites/:siteId/calls/:callId/accept', { config: DESK, schema: { params: CallParams, body: AgentOnly, response: commandResponse } }, async (request) => {
      const { siteId, callId } = request.params;
      requireOwnAgent(request, request.body.agentId);
      return outcome(await desk.execute(siteId, { type: 'AcceptOffer', callId, agentId: request.body.agentId, at: Date.now() }));
    });

    app.post('/acd/sites/:siteId/calls/:callId/no-answer', { config: DESK, schema: { params: CallParams, body: AgentOnly, response: commandResponse } }, async (request) => {
      const { siteId, callId } = request.params;
      requireOwnAgent(request, request.body.agentId);
      return outcome(await desk.execute(siteId, { type: 'RecordNoAnswer', callId, agentId: request.body.agentId, at: Date.now() }));
    });

    app.post('/acd/sites/:siteId/calls/:callId/abandon', { config: CALLS, schema: { params: CallParams, response: commandResponse } }, async (request) => {
      const { siteId, callId } = request.params;
      return outcome(await desk.execute(siteId, { type: 'AbandonCall', callId, at: Date.now() }));
    });

    app.post('/acd/sites/:siteId/calls/:callId/end', { config: CALLS, schema: { params: CallParams, response: commandResponse } }, async (request) => {
      const { siteId, callId } = request.params;
      return outcome(await desk.execute(siteId, { type: 'EndCall', callId, at: Date.now() }));
    });

    app.post('/acd/sites/:siteId/calls/:callId/callback', { config: CALLS, schema: { params: CallParams, body: CallbackBody, response: commandResponse } }, async (request) => {
      const { siteId, callId } = request.params;
      return outcome(await desk.execute(siteId, { type: 'ScheduleCallback', callId, callbackNumber: request.body.callbackNumber, at: Date.now() }));
    });

    // The agent who dialled a callback back ends it with whether the caller answered.
    app.post('/acd/sites/:siteId/calls/:callId/callback-outcome', { config: DESK, schema: { params: CallParams, body: CallbackOutcomeBody, response: commandResponse } }, async (request) => {
      const { siteId, callId } = request.params;
      // The engine would end an ordinary call here and drop the outcome: say so instead of recording nothing.
      const call = await desk.read(siteId, ({ state }) => (state.status === 'registered' ? state.calls.get(callId) : undefined));
      const isCallback = call?.callbackNumber !== undefined;
      // An agent ends only the callback they dialled.
      const caller = principalOf(request);
      if (caller.kind === 'person' && caller.role === 'agent') requireOwnAgent(request, call?.phase.status === 'connected' || call?.phase.status === 'offered' ? call.phase.agentId : '');
      if (!isCallback) throw new ProblemError({ status: 409, code: 'not-a-callback', detail: `call ${callId} is not a callback at site ${siteId}: end it with /end` });
      return outcome(await desk.execute(siteId, { type: 'EndCall', callId, callbackOutcome: request.body.outcome, at: Date.now() }));
    });

    app.get('/acd/sites/:siteId', { config: ADMIN_READ, schema: { params: SiteParams, response: { 200: SiteView, 400: ProblemDetailsSchema, 404: ProblemDetailsSchema } } }, async (request) => {
      const { siteId } = request.params;
      const view = await desk.read(siteId, (site) => siteView(site, Date.now()));
      return view ?? notFound('site', `no ACD site "${siteId}" is registered`);
    });

    app.get('/acd/sites/:siteId/agents/:agentId', { config: DESK, schema: { params: AgentParams, response: { 200: AgentView, 400: ProblemDetailsSchema, 404: ProblemDetailsSchema } } }, async (request) => {
      const { siteId, agentId } = request.params;
      requireOwnAgent(request, agentId);
      const view = await desk.read(siteId, (site) => agentView(site, agentId, Date.now()));
      return view ?? notFound('agent', `no agent "${agentId}" is registered at ACD site "${siteId}"`);
    });
  };
}
