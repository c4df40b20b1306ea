// The supervisor's pages served by reporting: the live wallboard and the historical reports, plain
// HTML and ES modules with uPlot charts (web/). Read once at start.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { ServiceRoutes } from '@switchboard/service-kit';

const web = resolve(import.meta.dirname, '../../../web');
const uplot = dirname(createRequire(import.meta.url).resolve('uplot/dist/uPlot.iife.min.js'));

const files: Record<string, { path: string; type: string }> = {
  '/wallboard': { path: join(web, 'wallboard.html'), type: 'text/html; charset=utf-8' },
  '/reports': { path: join(web, 'reports.html'), type: 'text/html; charset=utf-8' },
  '/assets/wallboard.js': { path: join(web, 'wallboard.js'), type: 'text/javascript; charset=utf-8' },
  '/assets/reports.js': { path: join(web, 'reports.js'), type: 'text/javascript; charset=utf-8' },
  '/assets/common.js': { path: join(web, 'common.js'), type: 'text/javascript; charset=utf-8' },
  '/assets/style.css': { path: join(web, 'style.css'), type: 'text/css; charset=utf-8' },
  '/assets/uplot.js': { path: join(uplot, 'uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8' },
  '/assets/uplot.css': { path: join(uplot, 'uPlot.min.css'), type: 'text/css; charset=utf-8' },
};

export function pageRoutes(): ServiceRoutes {
  return async (app) => {
    for (const [url, file] of Object.entries(files)) {
      const body = await readFile(file.path);
      app.get(url, { config: { public: true } }, async (_request, reply) => reply.header('content-type', file.type).header('cache-control', 'no-cache').send(body));
    }
  };
}
