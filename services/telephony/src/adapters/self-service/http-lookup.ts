// Calls a self-service step's endpoint (orders, billing, ...) and hands its JSON answer to the IVR, or why there is none.
import type { SelfServiceLookup } from '../../application/ports.ts';

export const httpLookup: SelfServiceLookup = async (url, timeoutMs) => {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    return { ok: false, reason: timedOut ? `no answer within ${timeoutMs} ms` : `unreachable: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!response.ok) {
    await response.body?.cancel();
    return { ok: false, reason: `answered HTTP ${response.status}` };
  }
  try {
    return { ok: true, body: (await response.json()) as unknown };
  } catch {
    return { ok: false, reason: 'answered something that is not JSON' };
  }
};
