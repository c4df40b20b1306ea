// Call control to the switch over HTTP: each command POSTed as JSON, signed exactly like the switch signs its webhooks.
import { httpRequest, type HttpAnswer } from '@switchboard/service-kit/http-client';
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
function refusalOf({ status, text }: HttpAnswer): { reason: string; code?: string } {
  try {
    const body = JSON.parse(text) as { detail?: unknown; reason?: unknown; title?: unknown; code?: unknown };
    const reason = body.detail ?? body.reason ?? body.title;
    const code = typeof body.code === 'string' ? body.code : undefined;
    if (typeof reason === 'string' && reason !== '') return { reason, code };
    return { reason: text.slice(0, 500) || `HTTP ${status}`, code };
  } catch {
    // not JSON: the text itself
  }
  return { reason: text.slice(0, 500) || `HTTP ${status}` };
}

export function httpSwitchControl(options: HttpSwitchControlOptions): SwitchControl {
  return {
    async send(command): Promise<SwitchDelivery> {
      const raw = JSON.stringify({ ...command, issuedAt: new Date().toISOString() });
      const timestamp = String(Math.floor(Date.now() / 1000));
      let answer: HttpAnswer;
      try {
        answer = await httpRequest(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signSwitchRequest(options.secret, timestamp, raw), [TIMESTAMP_HEADER]: timestamp },
          body: raw,
          timeoutMs: options.timeoutMs,
        });
      } catch (error) {
        return { kind: 'failed', reason: `the switch at ${options.url} did not answer: ${error instanceof Error ? error.message : String(error)}` };
      }
      if (answer.ok) return { kind: 'accepted' };
      const { reason, code } = refusalOf(answer);
      if (answer.status >= 500 || TRANSIENT.has(answer.status)) return { kind: 'failed', reason: `HTTP ${answer.status}: ${reason}` };
      return { kind: 'refused', status: answer.status, reason, ...(code === undefined ? {} : { code }) };
    },
  };
}
