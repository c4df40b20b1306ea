// A call's id from the switch's reference: every report of one call finds the same stream without a lookup table.
import { createHash } from 'node:crypto';

/**
 * A UUID derived from the switch's call reference (name-based, like UUIDv5 but SHA-256). Switches give
 * each call a unique reference (SIP Call-ID, CPaaS sid); a switch reusing one would be told the call already arrived.
 */
export function callIdOf(switchCallRef: string): string {
  const hash = createHash('sha256').update(`switchboard.telephony.call:${switchCallRef}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x80; // version 8: a custom, name-based UUID
  hash[8] = (hash[8]! & 0x3f) | 0x80; // the RFC 9562 variant
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const callStream = (callId: string): string => `call-${callId}`;
