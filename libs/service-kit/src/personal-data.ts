// Masks phone numbers and secrets before anything is written to a log (personal data never reaches logs).

// `+` or its URL encoding, then 7 to 15 digits (E.164), not part of a longer run of digits.
const e164 = /(\+|%2B)([1-9]\d{6,14})(?!\d)/gi;
const secretKey = /password|passwd|secret|token|authorization|cookie|api[-_]?key/i;
const phoneKey = /phone|msisdn|^(ani|dnis|number|(calling|called|dialled|dialed)[-_]?number)$/i;
const maxDepth = 8;

export const REDACTED = '[REDACTED]';

/** Keeps enough digits to recognise a number (country, carrier, last four) and hides at least four. */
export function maskDigits(digits: string): string {
  const hidden = Math.max(4, digits.length - 9);
  const tail = Math.min(4, Math.max(0, digits.length - hidden));
  const head = Math.max(0, digits.length - hidden - tail);
  return `${digits.slice(0, head)}${'*'.repeat(digits.length - head - tail)}${tail > 0 ? digits.slice(-tail) : ''}`;
}

/** Masks every E.164-looking number inside a text: `+8613812345678` becomes `+86138****5678`. */
export function maskPhoneNumbers(text: string): string {
  return text.replace(e164, (_match, plus: string, digits: string) => `${plus}${maskDigits(digits)}`);
}

function maskPhoneValue(value: unknown): unknown {
  if (typeof value !== 'string') return REDACTED;
  const digits = value.replace(/\D/g, '');
  if (digits.length < 5) return REDACTED;
  return `${value.trim().startsWith('+') ? '+' : ''}${maskDigits(digits)}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A copy of a log object with secrets replaced and phone-like keys masked, at any depth. Errors and
 * class instances are left to their serializers; the line-level mask still covers their text.
 */
export function redactPersonalData<T>(value: T, depth = 0): T {
  if (depth > maxDepth) return value;
  if (Array.isArray(value)) return value.map((item: unknown) => redactPersonalData(item, depth + 1)) as T;
  if (!isPlainObject(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (secretKey.test(key)) copy[key] = REDACTED;
    else if (phoneKey.test(key)) copy[key] = maskPhoneValue(item);
    else copy[key] = redactPersonalData(item, depth + 1);
  }
  return copy as T;
}

/** A URL whose query values named like a secret or a phone number are hidden (`?token=[REDACTED]`). */
export function redactUrl(url: string): string {
  return url.replace(/([?&])([^=&#]+)=([^&#]*)/g, (match, separator: string, key: string, value: string) => {
    const name = safeDecode(key);
    if (secretKey.test(name)) return `${separator}${key}=${REDACTED}`;
    if (phoneKey.test(name)) return `${separator}${key}=${String(maskPhoneValue(safeDecode(value)))}`;
    return match;
  });
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
