// RFC 9457 problem details: the one error format of every HTTP API, and the error services throw for it.
import { STATUS_CODES } from 'node:http';
import { Type } from 'typebox';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface FieldProblem {
  /** Where the wrong value is, e.g. `body/tier` or `params/customerId`. */
  path: string;
  message: string;
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  /** Stable, kebab-case, for programs; `type` is the same code as a URI. */
  code: string;
  errors?: FieldProblem[];
}

/** For the `response` schema of a route (and so the OpenAPI document), e.g. `{ 404: ProblemDetailsSchema }`. */
export const ProblemDetailsSchema = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  instance: Type.String(),
  code: Type.String(),
  errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
});

export interface ProblemInit {
  status: number;
  code: string;
  /** Short and the same for every occurrence; defaults to the HTTP status phrase. */
  title?: string;
  /** What happened this time, in words a caller can act on. */
  detail: string;
  errors?: FieldProblem[];
}

/**
 * Thrown by a route for an outcome the caller must handle (404 customer not found, 409 conflict);
 * the service answers with it as problem details. Throws a RangeError for a status outside 400-599.
 */
export class ProblemError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly errors: FieldProblem[] | undefined;

  constructor(init: ProblemInit) {
    if (!Number.isInteger(init.status) || init.status < 400 || init.status > 599) {
      throw new RangeError(`a problem needs an HTTP error status (400-599), got ${init.status}`);
    }
    super(init.detail);
    this.name = 'ProblemError';
    this.status = init.status;
    this.code = init.code;
    this.title = init.title ?? statusTitle(init.status);
    this.detail = init.detail;
    this.errors = init.errors;
  }
}

export const problemType = (code: string): string => `urn:switchboard:problem:${code}`;

export const statusTitle = (status: number): string => STATUS_CODES[status] ?? 'Error';

/** `Unsupported Media Type` → `unsupported-media-type`: a code for statuses that need no finer one. */
export const statusSlug = (status: number): string =>
  statusTitle(status).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

export function problemDetails(init: ProblemInit, instance: string): ProblemDetails {
  const problem: ProblemDetails = {
    type: problemType(init.code),
    title: init.title ?? statusTitle(init.status),
    status: init.status,
    detail: init.detail,
    instance,
    code: init.code,
  };
  if (init.errors !== undefined && init.errors.length > 0) problem.errors = init.errors;
  return problem;
}
