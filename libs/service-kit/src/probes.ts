// /healthz (the process answers) and /readyz (it should get traffic): what Kubernetes and the launcher poll.
import type { FastifyInstance } from 'fastify';
import { sendProblem } from './http-problems.ts';

/** Resolves to undefined when ready, or to the reason it is not (e.g. "the event store is unreachable"). */
export type Readiness = () => Promise<string | undefined>;

export const probeUrls = ['/healthz', '/readyz'] as const;

/** While the service closes, refuseWhileClosing answers /readyz with 503 before this handler runs. */
export function registerProbes(app: FastifyInstance, readiness: Readiness): void {
  // Probes come every few seconds; only their failures are worth a log line. A route's level replaces
  // the service's, so never pick one chattier than what the service was configured with.
  const quiet = { logLevel: moreSevere(app.log.level, 'warn') };

  app.get('/healthz', quiet, async () => ({ status: 'ok' }));

  app.get('/readyz', quiet, async (request, reply) => {
    const reason = await whyNotReady(readiness);
    if (reason === undefined) return { status: 'ready' };
    request.log.warn({ reason }, 'not ready');
    return sendProblem(reply, { status: 503, code: 'not-ready', title: 'Not ready', detail: reason }, request);
  });
}

const levels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
type Level = (typeof levels)[number];
const isLevel = (level: string): level is Level => (levels as readonly string[]).includes(level);
const moreSevere = (a: string, b: Level): Level => (isLevel(a) && levels.indexOf(a) > levels.indexOf(b) ? a : b);

async function whyNotReady(readiness: Readiness): Promise<string | undefined> {
  try {
    return await readiness();
  } catch (error) {
    return `the readiness check failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}
