// The agent desk's API and its WebSocket: the agent acts at one of their sites as their own agent; news is pushed to their pages only.
import { principalOf, ProblemDetailsSchema, ProblemError, requireSite, Type, type PersonPrincipal, type ServiceRoutes } from '@switchboard/service-kit';
import type { FastifyRequest } from 'fastify';
import type { AgentDesk, AtDesk } from '../../application/desk.ts';
import type { DeskSockets } from '../ws/desk-sockets.ts';
import { tokenOf } from './session.ts';

const Id = (example: string) => Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$', description: `letters, digits and . _ : -, e.g. ${example}` });
const SiteParams = Type.Object({ siteId: Id('shenzhen') });
const CallParams = Type.Object({ siteId: Id('shenzhen'), callId: Type.String({ minLength: 1, maxLength: 128 }) });
const ControlParams = Type.Object({ siteId: Id('shenzhen'), callId: Type.String({ minLength: 1, maxLength: 128 }), action: Type.Union([Type.Literal('hold'), Type.Literal('resume'), Type.Literal('hangup')]) });
const StateBody = Type.Object(
  {
    state: Type.Union([Type.Literal('logged-in'), Type.Literal('ready'), Type.Literal('not-ready'), Type.Literal('logged-out')]),
    reason: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9-]{0,49}$', description: 'the not-ready reason code, e.g. break' })),
  },
  { additionalProperties: false },
);
const TransferBody = Type.Object(
  {
    target: Type.String({ pattern: '^(queue|agent):[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$', description: 'queue:<queueId> or agent:<agentId>' }),
    notes: Type.Optional(Type.String({ maxLength: 4000, description: 'the notes typed so far; the next agent sees them' })),
    form: Type.Optional(Type.Record(Type.String({ pattern: '^[a-z][a-z0-9-]{0,39}$' }), Type.String({ maxLength: 2000 }), { description: 'the open form as it is, by field name (at most 20 fields)' })),
    customerId: Type.Optional(Type.String({ maxLength: 128, description: 'the customer on the card' })),
  },
  { additionalProperties: false },
);
const Handover = Type.Object({
  hop: Type.Integer({ description: '1 for the first transfer of the call, 2 for the next, …' }),
  fromAgentId: Type.String(),
  fromName: Type.String(),
  target: Type.String(),
  callingNumber: Type.String(),
  customerId: Type.String(),
  notes: Type.String(),
  form: Type.Record(Type.String(), Type.String()),
  handedOverAt: Type.String({ format: 'date-time' }),
});
const Handovers = Type.Object({ callId: Type.String(), handovers: Type.Array(Handover) });
const WrapUpBody = Type.Object(
  { disposition: Type.String({ minLength: 1, maxLength: 50 }), notes: Type.String({ maxLength: 4000 }) },
  { additionalProperties: false },
);
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
/** What another service answered (routing's outcome, telephony's accepted command), passed through. */
const Passed = Type.Record(Type.String(), Type.Unknown());
const DeskView = Type.Object({
  siteId: Type.String(),
  agentId: Type.String(),
  state: Type.String({ description: 'logged-out, logged-in, ready, reserved (an offer rings), on-call, wrap-up, not-ready' }),
  reason: Nullable(Type.String()),
  callId: Nullable(Type.String()),
  offer: Nullable(Type.Object({
    callId: Type.String(),
    siteId: Type.String(),
    queueId: Type.String(),
    callback: Type.Boolean(),
    callingNumber: Type.String({ description: "the caller's number, the screen pop's key; empty until telephony reported it" }),
    offeredAt: Nullable(Type.String()),
    decision: Type.Intersect([Type.Object({ summary: Type.String({ description: 'why the call came to this agent, in one line' }) }), Type.Record(Type.String(), Type.Unknown())]),
  })),
  call: Nullable(Type.Object({ callId: Type.String(), state: Type.String(), detail: Type.String(), callingNumber: Type.String() })),
});
const WrapUpView = Type.Object({ recorded: Type.Boolean(), disposition: Type.String(), agentState: Type.String() });
const problems = { 400: ProblemDetailsSchema, 401: ProblemDetailsSchema, 403: ProblemDetailsSchema, 404: ProblemDetailsSchema, 409: ProblemDetailsSchema, 422: ProblemDetailsSchema, 502: ProblemDetailsSchema, 503: ProblemDetailsSchema };

/** Reasons an agent gives for not being ready; the desk offers these. */
export const notReadyReasons = [
  { code: 'break', label: 'Break' },
  { code: 'lunch', label: 'Lunch' },
  { code: 'training', label: 'Training' },
  { code: 'meeting', label: 'Meeting' },
  { code: 'after-call-work', label: 'After-call work' },
] as const;

function agentOf(request: FastifyRequest): PersonPrincipal & { agentId: string } {
  const p = principalOf(request);
  if (p.kind !== 'person' || p.agentId === undefined) {
    throw new ProblemError({ status: 403, code: 'no-agent-id', title: 'Not an agent', detail: 'your account has no agent id, so it has no desk: ask an admin to give you one' });
  }
  return p as PersonPrincipal & { agentId: string };
}

function atDesk(request: FastifyRequest, siteId: string): AtDesk {
  const p = agentOf(request);
  requireSite(request, siteId);
  return { agentId: p.agentId, siteId, personId: p.personId, name: p.name, token: tokenOf(request) };
}

/** A socket from another site's page would carry the cookie only if the browser let it; refuse it anyway. */
function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

export function deskRoutes(desk: AgentDesk, sockets: DeskSockets): ServiceRoutes {
  const agentsOnly = { allow: ['agent'] } as const;
  return async (app) => {
    app.get('/desk/api/me', { config: agentsOnly }, async (request) => {
      const p = agentOf(request);
      return { personId: p.personId, name: p.name, agentId: p.agentId, sites: p.sites, expiresAt: p.expiresAt.toISOString(), dispositions: desk.dispositions(), notReadyReasons };
    });

    app.get('/desk/api/sites/:siteId', { config: agentsOnly, schema: { params: SiteParams, response: { 200: DeskView, ...problems } } }, async (request) => desk.view(atDesk(request, request.params.siteId)));

    app.post('/desk/api/sites/:siteId/state', { config: agentsOnly, schema: { params: SiteParams, body: StateBody, response: { 200: Passed, ...problems } } }, async (request) => {
      const b = request.body;
      if (b.state === 'not-ready' && b.reason === undefined) {
        throw new ProblemError({ status: 400, code: 'validation-failed', detail: 'body/reason is required to go not ready: say why (e.g. break)', errors: [{ path: 'body/reason', message: 'is required when state is not-ready' }] });
      }
      return desk.setState(atDesk(request, request.params.siteId), b.reason === undefined ? { state: b.state } : { state: b.state, reason: b.reason });
    });

    app.post('/desk/api/sites/:siteId/calls/:callId/answer', { config: agentsOnly, schema: { params: CallParams, response: { 202: Passed, ...problems } } }, async (request, reply) => {
      reply.code(202);
      return desk.answer(atDesk(request, request.params.siteId), request.params.callId);
    });

    app.post('/desk/api/sites/:siteId/calls/:callId/:action', { config: agentsOnly, schema: { params: ControlParams, response: { 202: Passed, ...problems } } }, async (request, reply) => {
      reply.code(202);
      return desk.control(atDesk(request, request.params.siteId), request.params.callId, request.params.action);
    });

    app.post('/desk/api/sites/:siteId/calls/:callId/transfer', { config: agentsOnly, schema: { params: CallParams, body: TransferBody, response: { 202: Passed, ...problems } } }, async (request, reply) => {
      reply.code(202);
      const { target, notes = '', form = {}, customerId = '' } = request.body;
      return desk.transfer(atDesk(request, request.params.siteId), request.params.callId, target, { notes, form, customerId });
    });

    app.get('/desk/api/sites/:siteId/calls/:callId/handover', { config: agentsOnly, schema: { params: CallParams, response: { 200: Handovers, ...problems } } }, async (request) =>
      desk.handovers(atDesk(request, request.params.siteId), request.params.callId),
    );

    app.post('/desk/api/sites/:siteId/calls/:callId/wrap-up', { config: agentsOnly, schema: { params: CallParams, body: WrapUpBody, response: { 200: WrapUpView, ...problems } } }, async (request) => {
      const { siteId, callId } = request.params;
      return desk.wrapUp(atDesk(request, siteId), callId, request.body.disposition, request.body.notes);
    });

    app.get('/ws/desk', { config: agentsOnly, websocket: true }, (socket, request) => {
      if (!sameOrigin(request)) {
        socket.close(1008, 'this desk belongs to another origin');
        return;
      }
      const agent = agentOf(request);
      const leave = sockets.join(agent.agentId, socket);
      socket.on('close', leave);
      // The session ends for the socket too: the page signs in again.
      const expiry = setTimeout(() => socket.close(4001, 'session expired'), Math.max(0, agent.expiresAt.getTime() - Date.now()));
      socket.on('close', () => clearTimeout(expiry));
      socket.send(JSON.stringify({ type: 'hello', agentId: agent.agentId }));
    });
  };
}
