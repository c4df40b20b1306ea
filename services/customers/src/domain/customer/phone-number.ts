// Phone numbers as the platform keeps them: E.164, like +8613812345678.
export const E164 = /^\+[1-9]\d{6,14}$/;

export const isE164 = (number: string): boolean => E164.test(number);

export const notE164 = (number: string): string => `phone number ${JSON.stringify(number)} is not in E.164 form (like +8613812345678)`;
