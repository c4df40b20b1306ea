// Calls another Switchboard service's JSON API on behalf of the signed-in person; its refusals come back as the console's own problems.
import { ProblemError } from '@switchboard/service-kit';
import { httpRequest, type HttpAnswer } from '@switchboard/service-kit/http-client';

export interface ServiceCall {
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly path: string;
  readonly body?: unknown;
  /** The person's access token, passed on so the other service applies the same role and site checks. */
  readonly token?: string;
}

export type ServiceClient = <T = Record<string, unknown>>(call: ServiceCall) => Promise<T>;

const TIMEOUT_MS = 5_000;

/** A client of the service `name` at `baseUrl`; 4xx answers keep their status and detail, anything else is a 502/503. */
export function serviceClient(name: string, baseUrl: string): ServiceClient {
  return async <T>(call: ServiceCall): Promise<T> => {
    const headers: Record<string, string> = {};
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    if (call.token !== undefined) headers['authorization'] = `Bearer ${call.token}`;
    let answer: HttpAnswer;
    try {
      answer = await httpRequest(new URL(call.path, baseUrl), {
        method: call.method,
        headers,
        ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
        timeoutMs: TIMEOUT_MS,
      });
    } catch {
      throw new ProblemError({ status: 503, code: `${name}-unavailable`, title: `The ${name} service does not answer`, detail: `the ${name} service at ${baseUrl} did not answer; try again in a moment, or ask an admin to check it` });
    }
    const { status, ok, text } = answer;
    let body: unknown;
    try {
      body = text === '' ? {} : JSON.parse(text);
    } catch {
      body = {};
    }
    if (ok) return body as T;
    const problem = body as { code?: unknown; detail?: unknown; title?: unknown };
    const detail = typeof problem.detail === 'string' ? problem.detail : `HTTP ${status}`;
    if (status >= 400 && status < 500) {
      throw new ProblemError({
        status,
        code: typeof problem.code === 'string' ? problem.code : `${name}-refused`,
        ...(typeof problem.title === 'string' ? { title: problem.title } : {}),
        detail: `${name}: ${detail}`,
      });
    }
    throw new ProblemError({ status: 502, code: `${name}-failed`, title: `The ${name} service failed`, detail: `the ${name} service could not do it (${detail}); try again in a moment` });
  };
}
