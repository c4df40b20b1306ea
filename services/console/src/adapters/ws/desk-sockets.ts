// The open desk pages of each agent: news for an agent goes to that agent's sockets and nobody else's.
import type { WebSocket } from '@fastify/websocket';

export interface DeskSockets {
  /** Adds a page of `agentId`; returns how to remove it. */
  join(agentId: string, socket: WebSocket): () => void;
  /** Sends `message` to every open page of `agentId`; returns how many got it. */
  push(agentId: string, message: unknown): number;
  /** How many pages each agent has open (for readiness and tests). */
  size(): number;
  closeAll(): void;
}

export function deskSockets(): DeskSockets {
  const byAgent = new Map<string, Set<WebSocket>>();
  return {
    join(agentId, socket) {
      const sockets = byAgent.get(agentId) ?? new Set();
      sockets.add(socket);
      byAgent.set(agentId, sockets);
      return () => {
        sockets.delete(socket);
        if (sockets.size === 0 && byAgent.get(agentId) === sockets) byAgent.delete(agentId);
      };
    },
    push(agentId, message) {
      const sockets = byAgent.get(agentId);
      if (sockets === undefined) return 0;
      const text = JSON.stringify(message);
      let sent = 0;
      for (const socket of sockets) {
        if (socket.readyState !== socket.OPEN) continue;
        socket.send(text);
        sent++;
      }
      return sent;
    },
    size: () => [...byAgent.values()].reduce((n, s) => n + s.size, 0),
    closeAll() {
      for (const sockets of byAgent.values()) for (const socket of sockets) socket.close(1001, 'the console is shutting down');
      byAgent.clear();
    },
  };
}
