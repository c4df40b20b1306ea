// Admin API of IVR flows per dialled number (and optionally site): validated on save, every save a new version.
import { ProblemError, ProblemDetailsSchema, requireSite, Type, type Access, type ServiceRoutes } from '@switchboard/service-kit';
import type { IvrFlowStore } from '../../application/ports.ts';
import { validateFlow } from '../../domain/ivr/validate.ts';
import type { SavedIvrFlow } from '../../domain/ivr/flow.ts';
import { fieldProblems } from './field-problems.ts';
import { asDocument, asIvrFlow, IvrFlowSchema, SavedIvrFlowSchema } from './ivr-flow-schemas.ts';

const Params = Type.Object({ dialledNumber: Type.String({ pattern: '^\\+?[0-9]{3,15}$', description: 'the number dialled, e.g. +8695105000 (%2B in a URL)' }) });
const Query = Type.Object({ siteId: Type.Optional(Type.String({ maxLength: 64, description: 'a site’s own flow; none: the flow for every site' })) });

const view = (saved: SavedIvrFlow) => ({ dialledNumber: saved.dialledNumber, siteId: saved.siteId, version: saved.version, flow: asDocument(saved.flow) });

// IVR flows are configuration (docs/roles.md): admins and services write them, supervisors read them too (a site's own flow: their sites only).
const ADMIN_WRITE: { allow: readonly Access[] } = { allow: ['admin', 'service'] };
const ADMIN_READ: { allow: readonly Access[] } = { allow: ['admin', 'supervisor', 'service'] };

export function ivrFlowRoutes(flows: IvrFlowStore): ServiceRoutes {
  return async (app) => {
    app.put(
      '/ivr-flows/:dialledNumber',
      { config: ADMIN_WRITE, attachValidation: true, schema: { params: Params, querystring: Query, body: IvrFlowSchema, response: { 200: SavedIvrFlowSchema, 422: ProblemDetailsSchema } } },
      async (request) => {
        if (request.validationError) {
          const context = (request.validationError as { validationContext?: string }).validationContext ?? 'body';
          const data = context === 'body' ? request.body : context === 'params' ? request.params : request.query;
          const schema = context === 'body' ? IvrFlowSchema : context === 'params' ? Params : Query;
          const errors = fieldProblems(context, (request.validationError as { validation?: [] }).validation ?? [], data, schema);
          throw new ProblemError({ status: 400, code: 'validation-failed', title: 'The request is not valid', detail: errors.map((e) => `${e.path} ${e.message}`).join('; '), errors });
        }
        if (request.query.siteId) requireSite(request, request.query.siteId);
        const flow = asIvrFlow(request.body);
        const problems = validateFlow(flow);
        if (problems.length > 0) {
          throw new ProblemError({
            status: 422,
            code: 'ivr-flow-invalid',
            title: 'The IVR flow cannot be saved',
            detail: problems.map((p) => p.message).join('; '),
            errors: problems.map((p) => ({ path: `body/${p.path}`, message: p.message })),
          });
        }
        return view(await flows.save(request.params.dialledNumber, request.query.siteId ?? '', flow));
      },
    );

    app.get('/ivr-flows/:dialledNumber', { config: ADMIN_READ, schema: { params: Params, querystring: Query, response: { 200: SavedIvrFlowSchema, 404: ProblemDetailsSchema } } }, async (request) => {
      if (request.query.siteId) requireSite(request, request.query.siteId);
      const saved = await flows.currentOf(request.params.dialledNumber, request.query.siteId ?? '');
      if (saved === undefined) throw new ProblemError({ status: 404, code: 'ivr-flow-not-found', title: 'No IVR flow', detail: 'no IVR flow is saved for this number (and site)' });
      return view(saved);
    });
  };
}
