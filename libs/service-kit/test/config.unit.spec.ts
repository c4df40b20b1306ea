// The shared configuration: each wrong value is one line naming the variable and what to do.
import { ConfigError, parseConfig, z } from '@switchboard/config';
import { describe, expect, it } from 'vitest';
import { baseServiceConfig } from '../src/index.ts';

const schema = baseServiceConfig(4100);

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    parseConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('base service configuration', () => {
  it('has defaults for everything but what a service must choose', () => {
    expect(parseConfig(schema, {})).toEqual({
      HOST: '127.0.0.1',
      PORT: 4100,
      LOG_LEVEL: 'info',
      OTEL_TRACES_EXPORTER: 'none',
      SHUTDOWN_TIMEOUT_MS: 10_000,
    });
  });

  it('refuses a wrong PORT with one line naming it and its value', () => {
    const problems = problemsOf({ PORT: 'eighty' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^PORT: .*\(got "eighty"\)$/);
  });

  it('asks for the collector when traces go to otlp', () => {
    const problems = problemsOf({ OTEL_TRACES_EXPORTER: 'otlp' });
    expect(problems).toEqual([
      'OTEL_EXPORTER_OTLP_ENDPOINT: is required when OTEL_TRACES_EXPORTER is otlp (the collector, e.g. http://127.0.0.1:4318) (it is not set)',
    ]);
  });

  it('reports every wrong value of one start at once', () => {
    const problems = problemsOf({ PORT: '70000', OTEL_TRACES_EXPORTER: 'otlp', SHUTDOWN_TIMEOUT_MS: '-1' });
    expect(problems.map((p) => p.split(':')[0])).toEqual(['PORT', 'SHUTDOWN_TIMEOUT_MS', 'OTEL_EXPORTER_OTLP_ENDPOINT']);
  });

  it('refuses an unknown exporter and a collector that is not an http URL', () => {
    expect(problemsOf({ OTEL_TRACES_EXPORTER: 'jaeger' })).toEqual([
      'OTEL_TRACES_EXPORTER: must be one of none, console, otlp (got "jaeger")',
    ]);
    expect(problemsOf({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://collector:4317' })).toEqual([
      'OTEL_EXPORTER_OTLP_ENDPOINT: must be an http:// or https:// URL (got "grpc://collector:4317")',
    ]);
  });

  it('lets a service add its own variables', () => {
    const routing = schema.extend({ ROUTING_SITE: z.string().min(1) });
    expect(parseConfig(routing, { ROUTING_SITE: 'sz-01' }).ROUTING_SITE).toBe('sz-01');
    expect(() => parseConfig(routing, { OTEL_TRACES_EXPORTER: 'otlp' })).toThrow(ConfigError);
  });
});
