// Turns every failure of a request (validation, unknown route, ProblemError, a bug) into problem details.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  PROBLEM_CONTENT_TYPE,
  ProblemError,
  problemDetails,
  statusSlug,
  type FieldProblem,
  type ProblemInit,
} from './problem.ts';

interface SchemaError {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

export function installProblemResponses(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request, reply) => {
    const init = toProblem(error, request);
    if (init.status >= 500 && !(error instanceof ProblemError)) {
      request.log.error({ err: error }, 'request failed');
    }
    return sendProblem(reply, init, request);
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, { status: 404, code: 'route-not-found', detail: `no route for ${request.method} ${requestPath(request)}` }, request),
  );
}

export function sendProblem(reply: FastifyReply, init: ProblemInit, request: FastifyRequest): FastifyReply {
  return reply.code(init.status).type(PROBLEM_CONTENT_TYPE).send(problemDetails(init, requestPath(request)));
}

// The query string may carry a token or a number; the path is enough to identify the occurrence.
export const requestPath = (request: FastifyRequest): string => request.url.split('?')[0] ?? '/';

function toProblem(error: unknown, request: FastifyRequest): ProblemInit {
  if (error instanceof ProblemError) {
    const init: ProblemInit = { status: error.status, code: error.code, title: error.title, detail: error.detail };
    if (error.errors !== undefined) init.errors = error.errors;
    return init;
  }
  const fields = validationProblems(error);
  if (fields !== undefined) {
    return {
      status: 400,
      code: 'validation-failed',
      title: 'The request is not valid',
      detail: fields.map((f) => `${f.path} ${f.message}`).join('; '),
      errors: fields,
    };
  }
  const status = statusOf(error);
  if (status !== undefined && status < 500) {
    // fastify's own 4xx errors (bad JSON, wrong media type, body too large) say nothing internal.
    return { status, code: statusSlug(status), detail: error instanceof Error ? error.message : statusSlug(status) };
  }
  return {
    status: 500,
    code: 'internal-error',
    detail: `the service failed to handle this request; it is logged under request id ${request.id}`,
  };
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('statusCode' in error)) return undefined;
  const status = error.statusCode;
  return typeof status === 'number' && status >= 400 && status <= 599 ? status : undefined;
}

function validationProblems(error: unknown): FieldProblem[] | undefined {
  if (typeof error !== 'object' || error === null || !('validation' in error)) return undefined;
  const { validation } = error;
  if (!Array.isArray(validation)) return undefined;
  const where = 'validationContext' in error && typeof error.validationContext === 'string' ? error.validationContext : 'request';
  return (validation as SchemaError[]).map((issue) => fieldProblem(where, issue));
}

function fieldProblem(where: string, issue: SchemaError): FieldProblem {
  const params = issue.params ?? {};
  // A missing or unexpected property is reported on its parent; name the property itself.
  const property = params['missingProperty'] ?? params['additionalProperty'];
  const path = `${where}${issue.instancePath ?? ''}${typeof property === 'string' ? `/${property}` : ''}`;
  const allowed = params['allowedValues'];
  const message = issue.message ?? 'is not valid';
  return { path, message: Array.isArray(allowed) ? `${message} (${allowed.map(String).join(', ')})` : message };
}
