// The live wallboard over HTTP: a snapshot as JSON, and a WebSocket that pushes every new one.
import websocket from '@fastify/websocket';
import { Type, type ServiceRoutes } from '@switchboard/service-kit';
import type { WallboardHub } from '../../application/wallboard.ts';

export function wallboardRoutes(hub: () => WallboardHub): ServiceRoutes {
  return async (app) => {
    await app.register(websocket, { options: { maxPayload: 4 * 1024 } });

    app.get('/wallboard/snapshot', { schema: { querystring: Type.Object({ fresh: Type.Optional(Type.Boolean({ description: 'rebuild now instead of answering the latest' })) }) } }, async (request) => {
      const current = hub().current();
      return request.query.fresh || current === undefined ? hub().rebuild() : current;
    });

    // Each page gets the latest wallboard at once, then every rebuild. Nothing is read from the page.
    app.get('/wallboard/live', { websocket: true }, (socket) => {
      const unsubscribe = hub().subscribe((wallboard) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(wallboard));
      });
      socket.on('close', unsubscribe);
      socket.on('error', unsubscribe);
    });
  };
}
