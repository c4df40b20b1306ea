// Public entry of @switchboard/service-kit: how every service boots, logs, answers errors, traces and stops.
export { baseServiceConfig, traceExporters, type BaseServiceConfig, type TraceExporterName } from './config.ts';
export { createService, type Closer, type Service, type ServiceApp, type ServiceOptions, type ServiceRoutes } from './service.ts';
export { installSignalHandlers, type SignalHandlingOptions } from './shutdown.ts';
export { createLogger, type Logger, type LoggerOptions } from './logger.ts';
export { maskPhoneNumbers, redactPersonalData } from './personal-data.ts';
export {
  PROBLEM_CONTENT_TYPE,
  ProblemDetailsSchema,
  ProblemError,
  problemDetails,
  type FieldProblem,
  type ProblemDetails,
  type ProblemInit,
} from './problem.ts';
export type { Readiness } from './probes.ts';
export { startTelemetry, type Telemetry, type TelemetryOptions } from './telemetry.ts';
export { injectTraceHeaders, runInSpan, startConsumerSpan, startProducerSpan, traceConsumption, withExtractedContext } from './bus-tracing.ts';
export { DomainAttribute, MessagingAttribute, MetricName } from './telemetry-names.ts';
export { createInstruments, meter, type Instruments } from './metrics.ts';
// One TypeBox for every service's schemas: the one the type provider infers from.
export { Type, type Static } from 'typebox';
export {
  eventSourcedServiceConfig,
  startEventSourcedService,
  runService,
  logDeadLetter,
  type EventSourcedServiceConfig,
  type EventSourcedServiceSpec,
  type ServiceContext,
  type StartOptions,
} from './runtime.ts';
export {
  ALL_SITES,
  accessTokens,
  authConfigFields,
  authConfigSchema,
  loadAuthConfigOrExit,
  type AuthConfig,
  canSee,
  cookieValue,
  principalOf,
  requireOwnAgent,
  requireSignIn,
  requireSite,
  roles,
  serviceToken,
  TokenRefused,
  type Access,
  type AccessTokens,
  type PersonClaims,
  type PersonPrincipal,
  type Principal,
  type Role,
  type ServicePrincipal,
  type SignInOptions,
} from './auth.ts';
export { startRepeating, type Repeating } from './repeating.ts';
