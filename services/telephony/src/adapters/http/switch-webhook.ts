// POST /switch/events: the switch's signed reports of a call's life, answered with the call control to carry out.
import { ProblemError, ProblemDetailsSchema, type ServiceRoutes } from '@switchboard/service-kit';
import type { SwitchOutcome } from '../../application/switch-events.ts';
import type { SwitchReport } from '../../application/switch-reports.ts';
import type { SurveyAnswer } from '../../domain/call/commands.ts';
import { fieldProblems } from './field-problems.ts';
import { signatureProblem } from './signature.ts';
import { SwitchAnswerBody, SwitchEventBody } from './switch-schemas.ts';

export interface SwitchWebhookOptions {
  readonly secret: string;
  readonly maxSkewSeconds: number;
  readonly handle: (report: SwitchReport) => Promise<SwitchOutcome>;
  readonly clock: () => Date;
}

const surveyKeys: Record<'1' | '2' | '3', SurveyAnswer> = { '1': 'satisfied', '2': 'neutral', '3': 'dissatisfied' };

/** The body as the switch sent it: the signature covers these bytes, not a re-serialised object. */
const rawBodies = new WeakMap<object, Buffer>();

function toReport(body: SwitchEventBody): SwitchReport {
  const at = new Date(body.at);
  switch (body.kind) {
    case 'call-arrived':
      return { ...body, at, siteId: body.siteId ?? '' };
    case 'digits-entered':
    case 'answered':
    case 'agent-no-answer':
    case 'held':
    case 'resumed':
    case 'transferred':
    case 'ended':
    case 'recording-ready':
    case 'survey-offered':
    case 'survey-no-answer':
      return { ...body, at };
    case 'survey-answered': {
      const { key, ...rest } = body;
      return { ...rest, at, rating: surveyKeys[key] };
    }
    default: {
      const never: never = body;
      throw new Error(`unknown switch event ${JSON.stringify(never)}`);
    }
  }
}

export function switchWebhookRoutes(options: SwitchWebhookOptions): ServiceRoutes {
  return async (app) => {
    // This plugin's own JSON parser keeps the raw bytes; the signature is checked before anything is parsed.
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
      rawBodies.set(request, body as Buffer);
      done(null, undefined);
    });

    app.addHook('preValidation', async (request) => {
      const raw = rawBodies.get(request) ?? Buffer.alloc(0);
      const problem = signatureProblem(options.secret, request.headers, raw, options.clock(), options.maxSkewSeconds);
      if (problem !== undefined) throw new ProblemError({ status: 401, code: 'switch-signature-invalid', title: 'Not signed by the switch', detail: problem });
      try {
        request.body = JSON.parse(raw.toString('utf8')) as unknown;
      } catch {
        throw new ProblemError({ status: 400, code: 'validation-failed', title: 'The request is not valid', detail: 'body is not JSON', errors: [{ path: 'body', message: 'is not JSON' }] });
      }
    });

    app.post(
      '/switch/events',
      {
        // The switch signs its reports (HMAC, below) instead of carrying an access token.
        config: { public: true },
        attachValidation: true,
        schema: {
          headers: { type: 'object', properties: { 'x-switchboard-signature': { type: 'string' }, 'x-switchboard-timestamp': { type: 'string' } } },
          body: SwitchEventBody,
          response: { 200: SwitchAnswerBody, 409: ProblemDetailsSchema },
        },
      },
      async (request, reply) => {
        if (request.validationError) {
          const errors = fieldProblems('body', (request.validationError as { validation?: [] }).validation ?? [], request.body, SwitchEventBody);
          throw new ProblemError({ status: 400, code: 'validation-failed', title: 'The request is not valid', detail: errors.map((e) => `${e.path} ${e.message}`).join('; '), errors });
        }
        const outcome = await options.handle(toReport(request.body));
        switch (outcome.kind) {
          case 'answered':
            if (outcome.replayed) reply.header('switchboard-replayed', 'true');
            return reply.code(200).send(outcome.answer);
          case 'rejected':
            if (outcome.replayed) reply.header('switchboard-replayed', 'true');
            throw new ProblemError({ status: 409, code: `call-${outcome.rejection.code}`, title: 'The report does not fit the call', detail: outcome.rejection.message });
          case 'in-progress':
            throw new ProblemError({ status: 409, code: 'switch-event-in-progress', title: 'Being handled', detail: 'another delivery of this switch event is being handled; retry shortly for its answer' });
          case 'id-reused':
            throw new ProblemError({ status: 422, code: 'switch-event-id-reused', title: 'Switch event id reused', detail: 'this switchEventId was already used for another call' });
          default: {
            const never: never = outcome;
            throw new Error(`unknown outcome ${JSON.stringify(never)}`);
          }
        }
      },
    );
  };
}
