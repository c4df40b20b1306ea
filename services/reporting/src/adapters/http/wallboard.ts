// The live wallboard over HTTP: a snapshot as JSON, and a WebSocket that pushes every new one.
import websocket from '@fastify/websocket';
import { Type, type ServiceRoutes } from '@switchboard/service-kit';
import type { Wallboard, WallboardHub } from '../../application/wallboard.ts';
import { sitesInScope } from './reports.ts';

/** The wallboard as a caller may see it: a supervisor sees their sites only. */
function visible(wallboard: Wallboard, sites: readonly string[] | undefined): Wallboard {
  if (sites === undefined) return wallboard;
  const mine = (x: { siteId: string }) => sites.includes(x.siteId);
  return { ...wallboard, sites: wallboard.sites.filter(mine), queues: wallboard.queues.filter(mine), agents: wallboard.agents.filter(mine), alerts: wallboard.alerts.filter(mine) };
}

export function wallboardRoutes(hub: () => WallboardHub): ServiceRoutes {
  return async (app) => {
    await app.register(websocket, { options: { maxPayload: 4 * 1024 } });

    app.get('/wallboard/snapshot', { schema: { querystring: Type.Object({ fresh: Type.Optional(Type.Boolean({ description: 'rebuild now instead of answering the latest' })) }) } }, async (request) => {
      const current = hub().current();
      return visible(request.query.fresh || current === undefined ? await hub().rebuild() : current, sitesInScope(request, undefined));
    });

    // Each page gets the latest wallboard at once, then every rebuild. Nothing is read from the page.
    app.get('/wallboard/live', { websocket: true }, (socket, request) => {
      const sites = sitesInScope(request, undefined);
      const unsubscribe = hub().subscribe((wallboard) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(visible(wallboard, sites)));
      });
      socket.on('close', unsubscribe);
      socket.on('error', unsubscribe);
    });
  };
}
