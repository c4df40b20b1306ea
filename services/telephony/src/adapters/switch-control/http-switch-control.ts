// Call control to the switch over HTTP: each command POSTed as JSON, signed exactly like the switch signs its webhooks.
import type { SwitchControl, SwitchDelivery } from '../../application/ports.ts';
import { SIGNATURE_HEADER, signSwitchRequest, TIMESTAMP_HEADER } from '../http/signature.ts';

export interface HttpSwitchControlOptions {
  readonly url: string;
  readonly secret: string;
  readonly timeoutMs: number;
}

/** Statuses that say "not now" rather than "never": the command is tried again. */
const TRANSIENT = new Set([408, 425, 429]);

/** Why the switch said no, and its reason code when the body has one. */
async function refusalOf(response: Response): Promise<{ reason: string; code?: string }> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { detail?: unknown; reason?: unknown; title?: unknown; code?: unknown };
    const reason = body.detail ?? body.reason ?? body.title;
    const code = typeof body.code === 'string' ? body.code : undefined;
    if (typeof reason === 'string' && reason !== '') return { reason, code };
    return { reason: text.slice(0, 500) || `HTTP ${response.status}`, code };
  } catch {
    // not JSON: the text itself
  }
  return { reason: text.slice(0, 500) || `HTTP ${response.status}` };
}

export function httpSwitchControl(options: HttpSwitchControlOptions): SwitchControl {
  return {
    async send(command): Promise<SwitchDelivery> {
      const raw = JSON.stringify({ ...command, issuedAt: new Date().toISOString() });
      const timestamp = String(Math.floor(Date.now() / 1000));
      let response: Response;
      try {
        response = await fetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signSwitchRequest(options.secret, timestamp, raw), [TIMESTAMP_HEADER]: timestamp },
          body: raw,
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (error) {
        return { kind: 'failed', reason: `the switch at ${options.url} did not answer: ${error instanceof Error ? error.message : String(error)}` };
      }
      if (response.ok) {
        await response.body?.cancel();
        return { kind: 'accepted' };
      }
      const { reason, code } = await refusalOf(response);
      if (response.status >= 500 || TRANSIENT.has(response.status)) return { kind: 'failed', reason: `HTTP ${response.status}: ${reason}` };
      return { kind: 'refused', status: response.status, reason, ...(code === undefined ? {} : { code }) };
    },
  };
}
