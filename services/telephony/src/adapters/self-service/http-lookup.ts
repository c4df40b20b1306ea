// Calls a self-service step's endpoint (orders, billing, ...) and hands its JSON answer to the IVR, or why there is none.
import { HttpTimeout, httpRequest, type HttpAnswer } from '@switchboard/service-kit/http-client';
import type { SelfServiceLookup } from '../../application/ports.ts';

export const httpLookup: SelfServiceLookup = async (url, timeoutMs) => {
  let answer: HttpAnswer;
  try {
    answer = await httpRequest(url, { headers: { accept: 'application/json' }, timeoutMs });
  } catch (error) {
    const timedOut = error instanceof HttpTimeout;
    return { ok: false, reason: timedOut ? `no answer within ${timeoutMs} ms` : `unreachable: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!answer.ok) return { ok: false, reason: `answered HTTP ${answer.status}` };
  try {
    return { ok: true, body: JSON.parse(answer.text) as unknown };
  } catch {
    return { ok: false, reason: 'answered something that is not JSON' };
  }
};
