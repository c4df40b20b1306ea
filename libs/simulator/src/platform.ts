// The simulator's way into the platform: signed switch reports to telephony, and the admin and agent APIs of telephony, routing and customers.
import { randomUUID } from 'node:crypto';
import { httpRequest } from '@switchboard/service-kit/http-client';
import { signBody, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './switch-server.ts';

export interface PlatformUrls {
  readonly telephony: string;
  readonly routing: string;
  /** Absent: callers' tiers are not registered (everyone is normal to routing). */
  readonly customers?: string;
}

export interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** The access token the simulator shows the services' APIs (a service token from AUTH_TOKEN_SECRET); asked for on every call, so it may be renewed. */
export type AccessTokenSource = () => string | Promise<string>;

export class Platform {
  readonly urls: PlatformUrls;
  private readonly secret: string;
  private readonly accessToken: AccessTokenSource | undefined;

  constructor(urls: PlatformUrls, secret: string, accessToken?: AccessTokenSource) {
    this.urls = urls;
    this.secret = secret;
    this.accessToken = accessToken;
  }

  async json(method: string, url: string, body?: unknown, timeoutMs = 15_000): Promise<Answer> {
    const signedIn: Record<string, string> = this.accessToken === undefined ? {} : { authorization: `Bearer ${await this.accessToken()}` };
    const { status, text } = await httpRequest(url, {
      method,
      headers: body === undefined ? signedIn : { 'content-type': 'application/json', ...signedIn },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      timeoutMs,
    });
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = { text };
    }
    return { status, body: parsed };
  }

  /** A switch report, signed; a network failure or a 5xx is sent again under the same event id (the webhook is idempotent). */
  async report(switchCallRef: string, body: Record<string, unknown>): Promise<Answer> {
    const raw = JSON.stringify({ switchEventId: randomUUID(), switchCallRef, at: new Date().toISOString(), ...body });
    let last: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
      const timestamp = String(Math.floor(Date.now() / 1000));
      try {
        const { status, text } = await httpRequest(`${this.urls.telephony}/switch/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signBody(this.secret, timestamp, raw), [TIMESTAMP_HEADER]: timestamp },
          body: raw,
          timeoutMs: 15_000,
        });
        // 409 switch-event-in-progress: the first delivery is still being handled; ask again for its answer.
        if (status >= 500 || (status === 409 && text.includes('switch-event-in-progress'))) {
          last = `HTTP ${status}: ${text}`;
          continue;
        }
        return { status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
      } catch (error) {
        last = error;
      }
    }
    throw new Error(`telephony did not take a switch report: ${last instanceof Error ? last.message : String(last)}`);
  }

  /** The agent desk's call control on telephony. */
  desk(callId: string, action: string, body: Record<string, unknown>): Promise<Answer> {
    return this.json('POST', `${this.urls.telephony}/calls/${encodeURIComponent(callId)}/${action}`, body);
  }

  acd(method: string, path: string, body?: unknown): Promise<Answer> {
    return this.json(method, `${this.urls.routing}/acd${path}`, body);
  }
}
