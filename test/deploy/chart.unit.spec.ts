// Structural checks of the deployment files (Helm chart, Dockerfile, k6 scripts) against the code they deploy, for machines without helm, docker or k6.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

const root = resolve(import.meta.dirname, '../..');
const chart = join(root, 'helm/switchboard');
const read = (...path: string[]) => readFileSync(join(root, ...path), 'utf8');
const readYaml = (...path: string[]): unknown => parse(read(...path)); // strict: a duplicated key throws
const configOf = (service: string) => read('services', service, 'src/config.ts');

type Tree = Record<string, unknown>;
const isTree = (value: unknown): value is Tree => typeof value === 'object' && value !== null && !Array.isArray(value);

interface ServiceValues {
  enabled: boolean;
  port: number;
  replicas: number;
  autoscaling: { enabled: boolean; minReplicas: number; maxReplicas: number; targetCPUUtilizationPercentage: number };
  pdb: { enabled: boolean; minAvailable: number | string };
  database: { existingSecret: string; existingSecretKey: string; url: string };
  clickhouse: boolean;
}
interface Values {
  services: Record<string, ServiceValues>;
  shutdown: { timeoutMs: number; preStopSleepSeconds: number; terminationGracePeriodSeconds: number };
  kafka: { topics: { names: string[]; partitions: number } };
  podSecurityContext: { runAsUser: number; runAsNonRoot: boolean };
  securityContext: { readOnlyRootFilesystem: boolean };
}
const values = readYaml('helm/switchboard/values.yaml') as Values;

/** The services in the code: every folder under services/ with an entry point. */
const serviceFolders = readdirSync(join(root, 'services'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, 'services', d.name, 'src/main.ts')))
  .map((d) => d.name)
  .sort();

/** A service's default port and topic, as its service.ts declares them. */
function serviceSpec(name: string): { defaultPort: number | undefined; topic: string | undefined } {
  const source = read('services', name, 'src/service.ts');
  const port = /defaultPort:\s*(\d+)/.exec(source)?.[1];
  const topic = /\btopic:\s*'([^']+)'/.exec(source)?.[1];
  return { defaultPort: port === undefined ? undefined : Number(port), topic };
}

/** The HTTP routes each service declares in its adapters: { method, path } with Fastify's :params. */
function routesOf(service: string): { method: string; path: string }[] {
  const folder = join(root, 'services', service, 'src/adapters/http');
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))
    .flatMap((f) =>
      [...readFileSync(join(folder, f), 'utf8').matchAll(/app\.(get|post|put|patch|delete)\(\s*'([^']+)'/g)].map((m) => ({
        method: m[1]!.toUpperCase(),
        path: m[2]!,
      })),
    );
}

/** Does a concrete path pattern (`${...}` already turned into `*`) fit a route (`:param` matches any one segment)? */
function fits(path: string, route: string): boolean {
  const a = path.split('/');
  const b = route.split('/');
  // A `*` (a variable in the script) only fits a parameter; a literal segment must be spelt the same.
  return a.length === b.length && a.every((segment, i) => (b[i]!.startsWith(':') ? segment !== '' : segment === b[i]));
}

const templateFiles = readdirSync(join(chart, 'templates')).filter((f) => f.endsWith('.yaml'));
const helpers = readFileSync(join(chart, 'templates/_helpers.tpl'), 'utf8');
const templateText = (file: string) => readFileSync(join(chart, 'templates', file), 'utf8');
const withoutComments = (text: string) => text.replace(/\{\{-?\s*\/\*[\s\S]*?\*\/\s*-?\}\}/g, '');

describe('the Helm chart', () => {
  it('has a Chart.yaml (apiVersion v2, version 0.1.0), values.yaml, a values schema and an example that parse', () => {
    const meta = readYaml('helm/switchboard/Chart.yaml') as Tree;
    expect(meta).toMatchObject({ apiVersion: 'v2', name: 'switchboard', version: '0.1.0' });
    expect(isTree(values.services)).toBe(true);
    expect(isTree(readYaml('helm/switchboard/ci/example-values.yaml'))).toBe(true);
    expect(isTree(JSON.parse(read('helm/switchboard/values.schema.json')))).toBe(true);
    expect(existsSync(join(chart, 'templates/NOTES.txt'))).toBe(true);
  });

  it('has an entry in values.yaml services for every service folder, on the port its service.ts defaults to', () => {
    expect(serviceFolders.length).toBeGreaterThan(0);
    for (const name of serviceFolders) {
      const entry = values.services[name];
      expect(entry, `services.${name} is missing from helm/switchboard/values.yaml`).toBeDefined();
      const { defaultPort } = serviceSpec(name);
      expect(defaultPort, `services/${name}/src/service.ts declares no defaultPort`).toBeTypeOf('number');
      expect(entry!.port, `services.${name}.port`).toBe(defaultPort);
    }
    // And no entry for a service that does not exist: its pods would crash at start.
    expect(Object.keys(values.services).sort()).toEqual(serviceFolders);
  });

  it('gives every service replicas, resources, an HPA, a PDB that never blocks drains, and its own database', () => {
    for (const [name, svc] of Object.entries(values.services)) {
      expect(svc, name).toMatchObject({ enabled: expect.any(Boolean), replicas: expect.any(Number), clickhouse: expect.any(Boolean) });
      expect(svc.autoscaling.minReplicas, name).toBeLessThanOrEqual(svc.autoscaling.maxReplicas);
      expect(svc.autoscaling.targetCPUUtilizationPercentage, name).toBeGreaterThan(0);
      const floor = svc.autoscaling.enabled ? svc.autoscaling.minReplicas : svc.replicas;
      if (svc.pdb.enabled && typeof svc.pdb.minAvailable === 'number') expect(svc.pdb.minAvailable, name).toBeLessThan(floor);
      expect(Object.keys(svc.database).sort(), name).toEqual(['existingSecret', 'existingSecretKey', 'url']);
    }
    // Only reporting talks to ClickHouse.
    expect(Object.entries(values.services).filter(([, s]) => s.clickhouse).map(([n]) => n)).toEqual(['reporting']);
  });

  it('gives Kubernetes more time to stop a pod than the services take to shut down', () => {
    const { timeoutMs, preStopSleepSeconds, terminationGracePeriodSeconds } = values.shutdown;
    expect(terminationGracePeriodSeconds * 1000).toBeGreaterThan(timeoutMs + preStopSleepSeconds * 1000);
  });

  it('runs as non-root with a read-only root filesystem', () => {
    expect(values.podSecurityContext.runAsNonRoot).toBe(true);
    expect(values.podSecurityContext.runAsUser).toBeGreaterThan(0);
    expect(values.securityContext.readOnlyRootFilesystem).toBe(true);
  });

  it('lists as Kafka topics every topic a service publishes', () => {
    const topics = serviceFolders.map((s) => serviceSpec(s).topic);
    for (const topic of topics) expect(values.kafka.topics.names, `topic ${topic}`).toContain(topic);
    expect(new Set(values.kafka.topics.names).size).toBe(values.kafka.topics.names.length);
  });

  it('has a Deployment template with a readiness probe on /readyz and a liveness probe on /healthz', () => {
    const deployments = templateFiles.filter((f) => /^kind:\s*Deployment\s*$/m.test(templateText(f)));
    expect(deployments.length).toBeGreaterThan(0);
    for (const file of deployments) {
      const text = templateText(file);
      expect(text, file).toMatch(/readinessProbe:\s*\n\s*httpGet:\s*\{\s*path:\s*\/readyz\b/);
      expect(text, file).toMatch(/livenessProbe:\s*\n\s*httpGet:\s*\{\s*path:\s*\/healthz\b/);
      expect(text, file).toMatch(/terminationGracePeriodSeconds:/);
    }
  });

  it("gives each service the other services' URLs in the cluster, named as the services read them (ROUTING_URL …)", () => {
    // The console calls routing, telephony and customers at these; without them it called 127.0.0.1 in its own pod.
    expect(helpers).toMatch(/range \$other, \$o := \$v\.services/);
    expect(helpers).toMatch(/printf "%s_URL" \(upper \(replace "-" "_" \$other\)\)/);
    const read = serviceFolders.flatMap((s) => (existsSync(join(root, 'services', s, 'src/config.ts')) ? [...configOf(s).matchAll(/\b([A-Z]+)_URL: fields\.httpUrl\(\)\.default/g)].map((m) => m[1]!.toLowerCase()) : []));
    expect(read.length).toBeGreaterThan(0);
    for (const service of read) expect(Object.keys(values.services), `${service.toUpperCase()}_URL names a service of the chart`).toContain(service);
  });

  it("routes reporting's pages, their assets and its APIs through the Ingress, beside the console", () => {
    const ingress = templateText('ingress.yaml');
    const prefixes = /range \$path := list ((?:"[^"]+" ?)+)\}\}\s*\n\s*- path: \{\{ \$path \}\}\s*\n\s*pathType: Prefix/.exec(ingress)?.[1]?.match(/"[^"]+"/g)?.map((p) => p.slice(1, -1)) ?? [];
    const exact = /range \$path := list ((?:"[^"]+" ?)+)\}\}\s*\n\s*- path: \{\{ \$path \}\}\s*\n\s*pathType: Exact/.exec(ingress)?.[1]?.match(/"[^"]+"/g)?.map((p) => p.slice(1, -1)) ?? [];
    const pages = [...read('services/reporting/src/adapters/http/pages.ts').matchAll(/^\s+'(\/[^']+)': \{ path:/gm)].map((m) => m[1]!);
    const apis = [...read('services/reporting/src/adapters/http/events.ts').matchAll(/'(\/[a-z][^']*)'/g)].map((m) => m[1]!);
    const routes = [...routesOf('reporting').map((r) => r.path), ...pages, ...apis];
    expect(routes).toContain('/wallboard/live');
    for (const route of routes) {
      if (route.startsWith('/assets/')) expect(exact, route).toContain(route);
      else expect(prefixes, route).toContain(`/${route.split('/')[1]}`);
    }
  });

  it('sets every variable the services read from the environment, and the ones the architecture names', () => {
    const declared = ['libs/service-kit/src/config.ts', 'libs/service-kit/src/runtime.ts', 'libs/eventbus/src/config.ts']
      .filter((f) => existsSync(join(root, f)))
      .flatMap((f) => [...read(f).matchAll(/^\s+([A-Z][A-Z0-9_]{2,}):/gm)].map((m) => m[1]!));
    expect(declared).toContain('PORT');
    const set = new Set([...helpers.matchAll(/- name: ([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]!));
    // The local log's database is the embedded mode's bus; the chart runs on Kafka.
    const notForKubernetes = new Set(['EVENTBUS_DATABASE_URL']);
    for (const name of declared) if (!notForKubernetes.has(name)) expect(set.has(name), `the chart does not set ${name}`).toBe(true);
    for (const name of ['HOST', 'PORT', 'LOG_LEVEL', 'OTEL_TRACES_EXPORTER', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'SHUTDOWN_TIMEOUT_MS', 'EVENTBUS', 'KAFKA_BROKERS', 'EVENTBUS_PARTITIONS', 'DATABASE_URL', 'CLICKHOUSE_URL']) {
      expect(set.has(name), name).toBe(true);
    }
  });

  it.each([...templateFiles, '_helpers.tpl', 'NOTES.txt'])('template %s opens and closes every action and block', (file) => {
    const text = withoutComments(templateText(file));
    expect(text.split('{{').length, 'unbalanced {{ }}').toBe(text.split('}}').length);
    const opened = [...text.matchAll(/\{\{-?\s*(if|range|with|define|block)\b/g)].length;
    const closed = [...text.matchAll(/\{\{-?\s*end\s*-?\}\}/g)].length;
    expect(closed, 'if/range/with/define without end, or the reverse').toBe(opened);
  });

  describe.each(templateFiles)('template %s', (file) => {
    const text = withoutComments(templateText(file));

    it('is well-formed YAML once its template actions are taken out', () => {
      const yamlText = text
        .split('\n')
        .filter((line) => !/^\s*(\{\{[^}]*\}\}\s*)+$/.test(line)) // a line of only actions renders to nothing or to nested YAML
        .map((line) => line.replace(/\{\{[^}]*\}\}/g, 'PLACEHOLDER'))
        .join('\n');
      for (const doc of parseAllDocuments(yamlText, { uniqueKeys: false })) {
        expect(doc.errors.map((e) => e.message), file).toEqual([]);
      }
    });
  });

  it('refers only to values that values.yaml defines, and to named templates that _helpers.tpl defines', () => {
    const sources = [...templateFiles.map((f) => [f, withoutComments(templateText(f))] as const), ['_helpers.tpl', withoutComments(helpers)] as const, ['NOTES.txt', templateText('NOTES.txt')] as const];
    const has = (tree: unknown, path: string[]) => {
      let node = tree;
      for (const key of path) {
        if (!isTree(node) || !(key in node)) return false;
        node = node[key];
      }
      return true;
    };
    const defined = new Set([...helpers.matchAll(/define "([^"]+)"/g)].map((m) => m[1]!));
    const anyService = Object.values(values.services);
    for (const [file, text] of sources) {
      // Aliases such as `$topics := .Values.kafka.topics`, then references through them or directly.
      const aliases = new Map<string, string[]>([['.Values', []]]);
      // (Only an action that starts with the assignment: `range $k, $v := ...` binds elements, not the collection.)
      for (const m of text.matchAll(/\{\{-?\s*(\$\w+)\s*:=\s*(?:\$|\.root)?\.Values((?:\.\w+)*)/g)) aliases.set(m[1]!, m[2]!.split('.').filter(Boolean));
      for (const [alias, base] of aliases) {
        const pattern = new RegExp(`${alias.replace(/[$.]/g, '\\$&')}((?:\\.\\w+)+)`, 'g');
        for (const m of text.matchAll(pattern)) {
          const path = [...base, ...m[1]!.split('.').filter(Boolean)];
          expect(has(values, path), `${file}: ${alias}${m[1]} is not in values.yaml`).toBe(true);
        }
      }
      // A service's own values, reached as $svc.x (in a range over services) or .svc.x (in a helper).
      for (const m of text.matchAll(/(?:\$svc|\.svc)((?:\.\w+)+)/g)) {
        const path = m[1]!.split('.').filter(Boolean);
        for (const svc of anyService) expect(has(svc, path), `${file}: $svc${m[1]} is missing from a service in values.yaml`).toBe(true);
      }
      for (const m of text.matchAll(/(?:include|template) "([^"]+)"/g)) expect(defined.has(m[1]!), `${file}: no define "${m[1]}"`).toBe(true);
    }
  });
});

describe('the image', () => {
  const dockerfile = read('deploy/docker/Dockerfile');

  it('builds on node:22-bookworm-slim with the pnpm version ./switchboard installs, from the lockfile', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:22-bookworm-slim$/m);
    expect(read('.node-version').trim().split('.')[0]).toBe('22');
    const pnpm = /pnpm_version="([^"]+)"/.exec(read('switchboard'))?.[1];
    expect(pnpm).toBeDefined();
    expect(dockerfile).toContain(`ARG PNPM_VERSION=${pnpm}`);
    expect(dockerfile).toMatch(/pnpm install --offline --frozen-lockfile/);
  });

  it('runs the chosen service as the non-root user the chart expects, and exposes every service port', () => {
    expect(dockerfile).toMatch(new RegExp(`^USER ${values.podSecurityContext.runAsUser}:`, 'm'));
    const exposed = /^EXPOSE (.+)$/m.exec(dockerfile)?.[1]?.split(/\s+/).map(Number) ?? [];
    for (const [name, svc] of Object.entries(values.services)) expect(exposed, name).toContain(svc.port);
    expect(read('deploy/docker/entrypoint.sh')).toContain('exec node "services/$service/src/main.ts"');
    expect(read('.dockerignore')).toMatch(/^\*\*\/node_modules$/m);
  });
});

describe('the k6 scripts', () => {
  // The base URL variable of each script names the service it talks to.
  const serviceOfBase: Record<string, string> = { CUSTOMERS_URL: 'customers', ROUTING_URL: 'routing', CONSOLE_WS_URL: 'console' };
  /** The paths a script requests: template literals that start with a base URL variable. */
  const requests = (file: string) =>
    [...read('load-tests', file).matchAll(/`\$\{([A-Z_]+)\}(\/[^`?]*)/g)].map((m) => ({
      base: m[1]!,
      path: m[2]!.replace(/\$\{[^}]+\}/g, '*'),
    }));

  it('request only routes the services declare', () => {
    const found = requests('http-customers.js');
    expect(found.length).toBeGreaterThanOrEqual(3);
    for (const { base, path } of found) {
      const service = serviceOfBase[base];
      expect(service, `unknown base URL variable ${base}`).toBeDefined();
      const routes = routesOf(service!);
      expect(routes.some((r) => fits(path, r.path)), `${path} is no route of ${service}: ${routes.map((r) => r.path).join(', ')}`).toBe(true);
    }
  });

  it('tag each request with a method and route that the service declares', () => {
    const script = read('load-tests/http-customers.js');
    const names = [...script.matchAll(/name: '(GET|POST|PUT|PATCH|DELETE) (\/[^']*)'/g)];
    expect(names.length).toBeGreaterThanOrEqual(3);
    const all = serviceFolders.flatMap(routesOf);
    for (const [, method, path] of names) expect(all.some((r) => r.method === method && r.path === path), `${method} ${path}`).toBe(true);
  });

  it('mark the wallboard WebSocket as not yet served, until a service declares it', () => {
    const script = read('load-tests/ws-wallboard.js');
    const found = requests('ws-wallboard.js');
    expect([...new Set(found.map((r) => r.path))]).toEqual(['/ws/wallboard']);
    const served = serviceFolders.some((s) => read('services', s, 'src/service.ts').includes('/ws/wallboard') || routesOf(s).some((r) => r.path === '/ws/wallboard'));
    if (!served) expect(script.split('\n').slice(0, 8).join('\n')).toMatch(/arrives with the\s*(?:\/\/\s*!!\s*)?reporting issue/);
  });
});

// Only where a helm binary is at hand (HELM=/path/to/helm, or helm on PATH): the real renderer.
const helm = process.env.HELM ?? 'helm';
const helmAvailable = spawnSync(helm, ['version', '--short'], { encoding: 'utf8' }).status === 0;

describe.skipIf(!helmAvailable)('the chart, rendered by helm', () => {
  const run = (...args: string[]) => spawnSync(helm, args, { encoding: 'utf8', cwd: root });

  it('lints clean with the example values', () => {
    const lint = run('lint', '--strict', 'helm/switchboard', '-f', 'helm/switchboard/ci/example-values.yaml');
    expect(lint.status, lint.stdout + lint.stderr).toBe(0);
  });

  it('renders a Deployment, Service, HPA and PDB per service with the expected env and probes', () => {
    const out = run('template', 'sb', 'helm/switchboard', '-f', 'helm/switchboard/ci/example-values.yaml');
    expect(out.status, out.stderr).toBe(0);
    const docs = parseAllDocuments(out.stdout).map((d) => d.toJS() as Tree | null).filter(isTree);
    const ofKind = (kind: string) => docs.filter((d) => d.kind === kind);
    expect(ofKind('Deployment')).toHaveLength(serviceFolders.length);
    expect(ofKind('Service')).toHaveLength(serviceFolders.length);
    expect(ofKind('PodDisruptionBudget')).toHaveLength(serviceFolders.length);
    expect(ofKind('HorizontalPodAutoscaler')).toHaveLength(Object.values(values.services).filter((s) => s.autoscaling.enabled).length);
    expect(ofKind('KafkaTopic')).toHaveLength(values.kafka.topics.names.length);
    for (const deployment of ofKind('Deployment')) {
      const container = (deployment as any).spec.template.spec.containers[0];
      const service = container.args[0] as string;
      expect(container.ports[0].containerPort).toBe(serviceSpec(service).defaultPort);
      expect(container.readinessProbe.httpGet.path).toBe('/readyz');
      expect(container.livenessProbe.httpGet.path).toBe('/healthz');
      const env = Object.fromEntries((container.env as { name: string; value?: string }[]).map((e) => [e.name, e.value ?? 'from-secret']));
      expect(env).toMatchObject({ HOST: '0.0.0.0', EVENTBUS: 'kafka', DATABASE_URL: 'from-secret', AUTH_TOKEN_SECRET: 'from-secret', PORT: String(serviceSpec(service).defaultPort) });
      expect('CLICKHOUSE_URL' in env).toBe(service === 'reporting');
    }
  });

  it('refuses the bare defaults with one message naming every missing value', () => {
    const out = run('template', 'sb', 'helm/switchboard');
    expect(out.status).not.toBe(0);
    expect(out.stderr).toContain('kafka.brokers');
    for (const name of serviceFolders) expect(out.stderr).toContain(`services.${name}.database`);
  });
});
