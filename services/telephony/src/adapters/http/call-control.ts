// The agent desk's call control: answer, hold, resume, transfer, hang up; 202 with the command sent to the switch.
import { ALL_SITES, canSee, principalOf, ProblemDetailsSchema, ProblemError, requireOwnAgent, requireSite, Type, type Access, type ServiceRoutes } from '@switchboard/service-kit';
import type { ControlOutcome, ControlRequest } from '../../application/call-control.ts';
import type { ControlRefusal } from '../../domain/switch-control/agent-control.ts';
import { TRANSFER_TARGET } from '../../domain/switch-control/agent-control.ts';

const Id = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$', description: 'letters, digits and . _ : -' });
const Params = Type.Object({ callId: Type.String({ minLength: 1, maxLength: 128, description: 'the call id telephony gave the call (in the webhook answer and its events)' }) });
const AgentBody = Type.Object({ agentId: Id }, { additionalProperties: false });
const TransferBody = Type.Object(
  { agentId: Id, target: Type.String({ pattern: TRANSFER_TARGET.source, description: 'queue:<queueId> or agent:<agentId>' }) },
  { additionalProperties: false },
);
const Accepted = Type.Object({
  commandId: Type.String({ description: 'the command sent to the switch; the switch confirms through its webhook, and the call’s events follow' }),
  callId: Type.String(),
  action: Type.String(),
});
const response = { 202: Accepted, 400: ProblemDetailsSchema, 403: ProblemDetailsSchema, 404: ProblemDetailsSchema, 409: ProblemDetailsSchema, 503: ProblemDetailsSchema };

// An agent is kept to the calls offered to them by the call's own check (not-your-call); see mayControl for the rest.
const DESK: { allow: readonly Access[] } = { allow: ['agent', 'supervisor', 'admin', 'service'] };

const statusOf: Record<ControlRefusal['code'], number> = { 'unknown-call': 404, 'wrong-state': 409, 'not-your-call': 409 };

/**
 * The desk's actions (docs/roles.md): the agent on the call themself; a supervisor or admin for a call of one
 * of their sites (the ACD site that offered it); a service. A call no site has offered yet is headquarters'.
 */
export function callControlRoutes(control: ((callId: string, request: ControlRequest) => Promise<ControlOutcome>) | undefined, siteOf: (callId: string) => Promise<string | undefined>): ServiceRoutes {
  async function mayControl(request: Parameters<typeof principalOf>[0], callId: string, agentId: string): Promise<void> {
    requireOwnAgent(request, agentId);
    const p = principalOf(request);
    if (p.kind === 'service' || p.role === 'agent') return;
    const siteId = await siteOf(callId);
    if (siteId !== undefined) return requireSite(request, siteId);
    if (!canSee(request, ALL_SITES)) {
      throw new ProblemError({ status: 403, code: 'site-not-allowed', title: 'Not one of your sites', detail: `call ${callId} has not been offered at any site yet, so only headquarters may control it` });
    }
  }
  return async (app) => {
    const handle = async (callId: string, request: ControlRequest) => {
      if (control === undefined) {
        throw new ProblemError({ status: 503, code: 'switch-control-not-configured', title: 'No switch takes call control', detail: 'set SWITCH_CONTROL_URL to the switch’s call-control endpoint to answer, hold, transfer and hang up calls from the desk' });
      }
      const outcome = await control(callId, request);
      if (!outcome.ok) {
        const code = outcome.refusal.code === 'unknown-call' ? 'call-not-found' : `call-${outcome.refusal.code}`;
        throw new ProblemError({ status: statusOf[outcome.refusal.code], code, title: 'The call cannot do that now', detail: outcome.refusal.message });
      }
      return { commandId: outcome.commandId, callId, action: request.action };
    };
    for (const action of ['answer', 'hold', 'resume', 'hangup'] as const) {
      app.post(`/calls/:callId/${action}`, { config: DESK, schema: { params: Params, body: AgentBody, response } }, async (request, reply) => {
        await mayControl(request, request.params.callId, request.body.agentId);
        reply.code(202);
        return handle(request.params.callId, { action, agentId: request.body.agentId });
      });
    }
    app.post('/calls/:callId/transfer', { config: DESK, schema: { params: Params, body: TransferBody, response } }, async (request, reply) => {
      await mayControl(request, request.params.callId, request.body.agentId);
      reply.code(202);
      return handle(request.params.callId, { action: 'transfer', agentId: request.body.agentId, target: request.body.target });
    });
  };
}
