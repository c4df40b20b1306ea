// The console's pages and their scripts: plain files from src/pages, read once at start, sent with a strict content policy.
// (Scripts end in .mjs: the repository ignores .js under services/, which would be compiled output.)
import { readFileSync } from 'node:fs';
import type { AccessTokens, Role, ServiceRoutes } from '@switchboard/service-kit';
import type { FastifyReply } from 'fastify';
import { pagePerson } from './session.ts';

const folder = new URL('../../pages/', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, folder), 'utf8');

const types: Record<string, string> = { html: 'text/html; charset=utf-8', mjs: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };
const POLICY = "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

function send(reply: FastifyReply, name: string, body: string): FastifyReply {
  const ext = name.slice(name.lastIndexOf('.') + 1);
  return reply
    .type(types[ext] ?? 'application/octet-stream')
    .header('content-security-policy', POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'no-store')
    .send(body);
}

/** Where each role lands after signing in. */
export const homeOf = (role: Role): string => (role === 'agent' ? '/desk' : '/home');

const escapeHtml = (text: string) => text.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** `reportingUrl`: where people's browsers open reporting's wallboard and reports (the home page links them). */
export function pageRoutes(tokens: AccessTokens, reportingUrl: string): ServiceRoutes {
  const assets = new Map(['console.css', 'sign-in.mjs', 'desk.mjs', 'home.mjs'].map((name) => [name, read(name)]));
  const pages = new Map(['sign-in.html', 'desk.html', 'home.html'].map((name) => [name, read(name).replaceAll('{{REPORTING_URL}}', escapeHtml(reportingUrl.replace(/\/+$/, '')))]));
  const page = (name: string) => pages.get(name) ?? '';
  return async (app) => {
    for (const [name, body] of assets) app.get(`/assets/${name}`, { config: { public: true } }, async (_request, reply) => send(reply, name, body));

    app.get('/', { config: { public: true } }, async (request, reply) => {
      const person = await pagePerson(request, tokens);
      return reply.redirect(person === undefined ? '/sign-in' : homeOf(person.role));
    });
    app.get('/sign-in', { config: { public: true } }, async (_request, reply) => send(reply, 'sign-in.html', page('sign-in.html')));

    /** A page for some roles: not signed in → the sign-in page; another role → their own home. */
    const rolePage = (path: string, name: string, allow: readonly Role[]) =>
      app.get(path, { config: { public: true } }, async (request, reply) => {
        const person = await pagePerson(request, tokens);
        if (person === undefined) return reply.redirect(`/sign-in?next=${encodeURIComponent(path)}`);
        if (!allow.includes(person.role)) return reply.redirect(homeOf(person.role));
        return send(reply, name, page(name));
      });
    rolePage('/desk', 'desk.html', ['agent']);
    rolePage('/home', 'home.html', ['supervisor', 'analyst', 'admin']);
  };
}
