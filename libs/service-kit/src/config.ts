// The environment variables every service shares; a service extends this object with its own.
import { fields, z } from '@switchboard/config';

export const traceExporters = ['none', 'console', 'otlp'] as const;

/**
 * The shared fields, with this service's default port. Extend it (`.extend({...})`) and parse it once
 * in main with `loadConfigOrExit`.
 */
export function baseServiceConfig(defaultPort: number) {
  return z
    .object({
      HOST: z.string().min(1, 'must name an interface, e.g. 127.0.0.1 or 0.0.0.0').default('127.0.0.1'),
      PORT: fields.port(defaultPort),
      LOG_LEVEL: fields.logLevel(),
      OTEL_TRACES_EXPORTER: z
        .enum(traceExporters, { error: `must be one of ${traceExporters.join(', ')}` })
        .default('none'),
      OTEL_EXPORTER_OTLP_ENDPOINT: fields.httpUrl().optional(),
      SHUTDOWN_TIMEOUT_MS: fields.positiveInt(10_000),
    })
    .refine((env) => env.OTEL_TRACES_EXPORTER !== 'otlp' || env.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined, {
      path: ['OTEL_EXPORTER_OTLP_ENDPOINT'],
      message: 'is required when OTEL_TRACES_EXPORTER is otlp (the collector, e.g. http://127.0.0.1:4318)',
      // Also run when an unrelated variable is wrong, so one start reports every problem at once.
      when: (payload) => otlpFields.safeParse(payload.value).success,
    });
}

const otlpFields = z.object({
  OTEL_TRACES_EXPORTER: z.enum(traceExporters).default('none'),
  OTEL_EXPORTER_OTLP_ENDPOINT: fields.httpUrl().optional(),
});

export type BaseServiceConfig = z.output<ReturnType<typeof baseServiceConfig>>;
export type TraceExporterName = (typeof traceExporters)[number];
