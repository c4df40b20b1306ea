// The console service: sign-in and roles, the people admins manage, and the agent desk (pages, its API and its WebSocket fan-out).
import { fileURLToPath } from 'node:url';
import websocket from '@fastify/websocket';
import { accessTokens, requireSignIn, serviceToken, type EventSourcedServiceSpec, type ServiceContext } from '@switchboard/service-kit';
import { credentials, peopleReadModel } from './adapters/db/people.ts';
import { deskRoutes } from './adapters/http/desk.ts';
import { pageRoutes } from './adapters/http/pages.ts';
import { peopleRoutes } from './adapters/http/people.ts';
import { SESSION_COOKIE } from './adapters/http/session.ts';
import { customerCardRoutes } from './adapters/http/customer-card.ts';
import { customerWorkRoutes } from './adapters/http/customer-work.ts';
import { serviceClient } from './adapters/services/service-client.ts';
import { deskSockets, type DeskSockets } from './adapters/ws/desk-sockets.ts';
import { agentDesk } from './application/desk.ts';
import { deskFeed } from './application/desk-feed.ts';
import { cardsForDesks } from './application/screen-pop.ts';
import { people } from './application/people.ts';
import type { ConsoleConfig } from './config.ts';

export function consoleService(config: ConsoleConfig, sockets: DeskSockets = deskSockets()): EventSourcedServiceSpec {
  const tokens = accessTokens(config.AUTH_TOKEN_SECRET);
  const sessionSeconds = config.CONSOLE_SESSION_MINUTES * 60;
  // The console's own token, for the caller's card of a call on an agent's desk (an overflowed call's caller
  // belongs to another site's region) and a complaint opened for them.
  const consoleTokenOf = serviceToken(tokens, 'console', 120);
  const customers = serviceClient('customers', config.CUSTOMERS_URL);
  const peopleOf = (context: ServiceContext) =>
    people({ store: context.store, credentials: credentials(context.prisma), tokens, sessionSeconds, appendOptions: () => context.commandOptions() });

  return {
    name: 'console',
    defaultPort: 4100,
    topic: 'console.events',
    migrationsFolder: fileURLToPath(new URL('../migrations', import.meta.url)),
    projections: (context) => [peopleReadModel, deskFeed(sockets, { cardOf: cardsForDesks(customers, consoleTokenOf), logger: context.logger })],
    workers: async (context) => {
      if (config.CONSOLE_ADMIN_LOGIN !== undefined && config.CONSOLE_ADMIN_PASSWORD !== undefined) {
        const outcome = await peopleOf(context).ensureFirstAdmin(config.CONSOLE_ADMIN_LOGIN, config.CONSOLE_ADMIN_PASSWORD);
        context.logger.info({ login: config.CONSOLE_ADMIN_LOGIN, outcome }, 'the first admin from the configuration');
      }
      return [async () => sockets.closeAll()];
    },
    routes: (context) => {
      const desk = agentDesk({
        routing: serviceClient('routing', config.ROUTING_URL),
        telephony: serviceClient('telephony', config.TELEPHONY_URL),
        store: context.store,
        sql: context.sql,
        appendOptions: (siteId) => context.commandOptions({ siteId }),
      });
      return async (app) => {
        await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
        requireSignIn(app, { tokens, cookieName: SESSION_COOKIE });
        await app.register(pageRoutes(tokens, config.REPORTING_PAGES_URL ?? config.REPORTING_URL));
        await app.register(peopleRoutes(peopleOf(context), context.prisma, { secure: config.CONSOLE_SECURE_COOKIE, maxAgeSeconds: sessionSeconds }));
        await app.register(deskRoutes(desk, sockets));
        await app.register(customerCardRoutes(customers, context.sql, consoleTokenOf));
        await app.register(customerWorkRoutes(customers, context.sql, consoleTokenOf));
      };
    },
  };
}
