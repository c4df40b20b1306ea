// The session cookie that carries a person's access token to the console's pages, and the token a request came with.
import { cookieValue, type AccessTokens, type PersonPrincipal, type Principal } from '@switchboard/service-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'sb_session';

export interface SessionCookieOptions {
  readonly maxAgeSeconds: number;
  readonly secure: boolean;
}

/** HttpOnly (no script reads it) and SameSite=Strict (no other site's page sends it). */
export function setSessionCookie(reply: FastifyReply, token: string, options: SessionCookieOptions): void {
  const parts = [`${SESSION_COOKIE}=${encodeURIComponent(token)}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${options.maxAgeSeconds}`];
  if (options.secure) parts.push('Secure');
  void reply.header('set-cookie', parts.join('; '));
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  void reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`);
}

/** The raw token of the request (header first, then cookie), to pass on to the other services. */
export function tokenOf(request: FastifyRequest): string {
  const header = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
  return header ?? cookieValue(request, SESSION_COOKIE) ?? '';
}

/** The person behind a page request's cookie, or undefined (not signed in, expired, forged): pages redirect instead of answering 401. */
export async function pagePerson(request: FastifyRequest, tokens: AccessTokens): Promise<PersonPrincipal | undefined> {
  const token = cookieValue(request, SESSION_COOKIE);
  if (token === undefined) return undefined;
  const principal: Principal | undefined = await tokens.verify(token).catch(() => undefined);
  return principal?.kind === 'person' ? principal : undefined;
}
