// The switch's webhook signature: HMAC-SHA256 of "<timestamp>.<raw body>" with the shared secret, and a fresh timestamp.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-switchboard-signature';
export const TIMESTAMP_HEADER = 'x-switchboard-timestamp';

/**
 * The signature header's value for a body sent at `timestamp` (Unix seconds). The timestamp is signed
 * with the body, so a captured request cannot be replayed later under a fresh timestamp.
 */
export function signSwitchRequest(secret: string, timestamp: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex')}`;
}

/** Why a request is not from the switch, or undefined when it is. */
export function signatureProblem(
  secret: string,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  rawBody: Buffer,
  now: Date,
  maxSkewSeconds: number,
): string | undefined {
  const signature = headers[SIGNATURE_HEADER];
  const timestamp = headers[TIMESTAMP_HEADER];
  if (typeof signature !== 'string' || signature === '') return `the ${SIGNATURE_HEADER} header is missing`;
  if (typeof timestamp !== 'string' || !/^[0-9]{1,12}$/.test(timestamp)) return `the ${TIMESTAMP_HEADER} header must be the Unix time in seconds`;
  const skew = Math.abs(now.getTime() / 1000 - Number(timestamp));
  if (skew > maxSkewSeconds) return `the ${TIMESTAMP_HEADER} is ${Math.round(skew)} s away from this server's clock (at most ${maxSkewSeconds} s): a replay, or a clock to fix`;
  const expected = Buffer.from(signSwitchRequest(secret, timestamp, rawBody));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return `the ${SIGNATURE_HEADER} does not match: it must be sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the shared secret>`;
  }
  return undefined;
}
