{{/* Named templates shared by the chart's manifests: names, labels, the image, env, and the values check. */}}

{{/* The chart name, or nameOverride. */}}
{{- define "switchboard.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The release-wide prefix of every resource: the release name, plus the chart name unless the release already contains it. */}}
{{- define "switchboard.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* helm.sh/chart label value. */}}
{{- define "switchboard.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels of release-wide resources (no service). Takes the root context. */}}
{{- define "switchboard.commonLabels" -}}
helm.sh/chart: {{ include "switchboard.chart" . }}
app.kubernetes.io/name: {{ include "switchboard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: switchboard
{{- end -}}

{{/*
The per-service templates below take a dict: { root: $, name: <service key>, svc: <its values> }.
*/}}

{{/* <fullname>-<service>, the name of a service's Deployment, Service, HPA and PDB. Takes the dict. */}}
{{- define "switchboard.serviceFullname" -}}
{{- printf "%s-%s" (include "switchboard.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The labels that select one service's pods; they never change after install (a Deployment's selector is immutable). Takes the dict. */}}
{{- define "switchboard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "switchboard.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{/* All labels of one service's resources. Takes the dict. */}}
{{- define "switchboard.labels" -}}
{{ include "switchboard.selectorLabels" . }}
helm.sh/chart: {{ include "switchboard.chart" .root }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: switchboard
{{- end -}}

{{/* repository:tag of the one image; the tag defaults to the chart's appVersion. Takes the root context. */}}
{{- define "switchboard.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* Name of the Secret the chart makes for a service's DATABASE_URL (when database.url is given). Takes the dict. */}}
{{- define "switchboard.databaseSecretName" -}}
{{- printf "%s-db" (include "switchboard.serviceFullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Name of the Secret the chart makes for SWITCH_WEBHOOK_SECRET (when switchWebhook.secret is given). Takes the root context. */}}
{{- define "switchboard.switchWebhookSecretName" -}}
{{- printf "%s-switch-webhook" (include "switchboard.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Name of the Secret the chart makes for AUTH_TOKEN_SECRET (when auth.tokenSecret is given). Takes the root context. */}}
{{- define "switchboard.authSecretName" -}}
{{- printf "%s-auth" (include "switchboard.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Name of the Secret the chart makes for CLICKHOUSE_URL (when clickhouse.url is given). Takes the root context. */}}
{{- define "switchboard.clickhouseSecretName" -}}
{{- printf "%s-clickhouse" (include "switchboard.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* KAFKA_TOPIC_ADMIN: kafka.topicAdmin, or by default assume-existing when the chart provisions the topics through Strimzi. Takes the root context. */}}
{{- define "switchboard.topicAdmin" -}}
{{- if .Values.kafka.topicAdmin -}}
{{- .Values.kafka.topicAdmin -}}
{{- else if .Values.kafka.topics.strimzi -}}
assume-existing
{{- else -}}
create
{{- end -}}
{{- end -}}

{{/*
Every problem in the values at once, then one failure that lists them all: the same courtesy the
services give for their environment. Included by every manifest that depends on the values it checks,
so `helm template` and `helm install` stop before rendering anything half-configured.
Takes the root context.
*/}}
{{- define "switchboard.validate" -}}
{{- $problems := list -}}
{{- $v := .Values -}}
{{- if not $v.kafka.brokers -}}
{{- $problems = append $problems "kafka.brokers: name at least one bootstrap server (host:port); the distributed mode needs Kafka" -}}
{{- end -}}
{{- if not (has $v.otel.tracesExporter (list "none" "console" "otlp")) -}}
{{- $problems = append $problems (printf "otel.tracesExporter: must be none, console or otlp (got %v)" $v.otel.tracesExporter) -}}
{{- end -}}
{{- if and (eq $v.otel.tracesExporter "otlp") (not $v.otel.otlpEndpoint) -}}
{{- $problems = append $problems "otel.otlpEndpoint: required when otel.tracesExporter is otlp (e.g. http://otel-collector:4318)" -}}
{{- end -}}
{{- if not (has $v.logLevel (list "fatal" "error" "warn" "info" "debug" "trace" "silent")) -}}
{{- $problems = append $problems (printf "logLevel: must be fatal, error, warn, info, debug, trace or silent (got %v)" $v.logLevel) -}}
{{- end -}}
{{- $budgetMs := add (mul (int $v.shutdown.preStopSleepSeconds) 1000) (int $v.shutdown.timeoutMs) -}}
{{- if le (mul (int $v.shutdown.terminationGracePeriodSeconds) 1000) $budgetMs -}}
{{- $problems = append $problems (printf "shutdown.terminationGracePeriodSeconds: %v s must exceed preStopSleepSeconds + timeoutMs (%v ms), or Kubernetes kills a service before it has committed its offsets" $v.shutdown.terminationGracePeriodSeconds $budgetMs) -}}
{{- end -}}
{{- if not (has (include "switchboard.topicAdmin" .) (list "create" "assume-existing")) -}}
{{- $problems = append $problems (printf "kafka.topicAdmin: must be empty, create or assume-existing (got %v)" $v.kafka.topicAdmin) -}}
{{- end -}}
{{- if and $v.kafka.topics.strimzi (not $v.kafka.topics.cluster) -}}
{{- $problems = append $problems "kafka.topics.cluster: name the Strimzi Kafka resource when kafka.topics.strimzi is true" -}}
{{- end -}}
{{- $needsClickhouse := false -}}
{{- range $name, $svc := $v.services -}}
{{- if $svc.enabled -}}
{{- if not $svc.port -}}
{{- $problems = append $problems (printf "services.%s.port: required" $name) -}}
{{- end -}}
{{- if and $svc.logLevel (not (has $svc.logLevel (list "fatal" "error" "warn" "info" "debug" "trace" "silent"))) -}}
{{- $problems = append $problems (printf "services.%s.logLevel: must be empty or a log level (got %v)" $name $svc.logLevel) -}}
{{- end -}}
{{- if not (or $svc.database.existingSecret $svc.database.url) -}}
{{- $problems = append $problems (printf "services.%s.database: set existingSecret (a Secret with its DATABASE_URL) or url; every service has its own Postgres database" $name) -}}
{{- end -}}
{{- if and $svc.autoscaling.enabled (gt (int $svc.autoscaling.minReplicas) (int $svc.autoscaling.maxReplicas)) -}}
{{- $problems = append $problems (printf "services.%s.autoscaling: minReplicas (%v) exceeds maxReplicas (%v)" $name $svc.autoscaling.minReplicas $svc.autoscaling.maxReplicas) -}}
{{- end -}}
{{- /* A percentage ("50%") scales with the replicas; only a number can block drains outright. */ -}}
{{- if and $svc.pdb.enabled (not (kindIs "string" $svc.pdb.minAvailable)) -}}
{{- $floor := ternary $svc.autoscaling.minReplicas $svc.replicas (eq $svc.autoscaling.enabled true) -}}
{{- if ge (int $svc.pdb.minAvailable) (int $floor) -}}
{{- $problems = append $problems (printf "services.%s.pdb.minAvailable: %v is not below the %v replicas, so no node drain could ever evict a pod; lower it, add replicas, or disable the PDB" $name $svc.pdb.minAvailable $floor) -}}
{{- end -}}
{{- end -}}
{{- if $svc.clickhouse -}}
{{- $needsClickhouse = true -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if and $needsClickhouse (not (or $v.clickhouse.existingSecret $v.clickhouse.url)) -}}
{{- $problems = append $problems "clickhouse: set existingSecret (a Secret with CLICKHOUSE_URL) or url; the reporting service needs ClickHouse" -}}
{{- end -}}
{{- if and $v.clickhouse.analystUser.enabled (not (regexMatch "^[0-9a-fA-F]{64}$" (toString $v.clickhouse.analystUser.passwordSha256Hex))) -}}
{{- $problems = append $problems "clickhouse.analystUser.passwordSha256Hex: 64 hex digits required (printf '%s' \"$PASSWORD\" | sha256sum), or set analystUser.enabled false" -}}
{{- end -}}
{{- if and $v.clickhouse.analystUser.enabled (not (regexMatch "^[A-Za-z_][A-Za-z0-9_]*$" (toString $v.clickhouse.analystUser.name))) -}}
{{- $problems = append $problems "clickhouse.analystUser.name: letters, digits and underscores only (it becomes an XML element name)" -}}
{{- end -}}
{{- if and $v.services.telephony.enabled (not (or $v.switchWebhook.existingSecret $v.switchWebhook.secret)) -}}
{{- $problems = append $problems "switchWebhook: set existingSecret (a Secret with SWITCH_WEBHOOK_SECRET) or secret (at least 32 characters); telephony checks the switch's signatures with it" -}}
{{- end -}}
{{- if not (or $v.auth.existingSecret $v.auth.tokenSecret) -}}
{{- $problems = append $problems "auth: set existingSecret (a Secret with AUTH_TOKEN_SECRET) or tokenSecret (at least 32 characters); every service checks access tokens with it" -}}
{{- end -}}
{{- if and $v.auth.tokenSecret (lt (len (toString $v.auth.tokenSecret)) 32) -}}
{{- $problems = append $problems "auth.tokenSecret: at least 32 characters" -}}
{{- end -}}
{{- if and $v.switchWebhook.secret (lt (len (toString $v.switchWebhook.secret)) 32) -}}
{{- $problems = append $problems "switchWebhook.secret: at least 32 characters" -}}
{{- end -}}
{{- if $problems -}}
{{- fail (printf "\n\nswitchboard: the values need attention:\n  - %s\n" (join "\n  - " $problems)) -}}
{{- end -}}
{{- end -}}

{{/* The environment of one service's container. Takes the dict. */}}
{{- define "switchboard.env" -}}
{{- $v := .root.Values -}}
- name: HOST
  # Every interface: the kubelet's probes and the Service reach the pod on its own IP.
  value: "0.0.0.0"
- name: PORT
  value: {{ .svc.port | quote }}
- name: LOG_LEVEL
  value: {{ default $v.logLevel .svc.logLevel | quote }}
- name: OTEL_TRACES_EXPORTER
  value: {{ $v.otel.tracesExporter | quote }}
{{- if $v.otel.otlpEndpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ $v.otel.otlpEndpoint | quote }}
{{- end }}
- name: SHUTDOWN_TIMEOUT_MS
  value: {{ $v.shutdown.timeoutMs | int | quote }}
- name: EVENTBUS
  value: "kafka"
- name: KAFKA_BROKERS
  value: {{ join "," $v.kafka.brokers | quote }}
- name: EVENTBUS_PARTITIONS
  value: {{ $v.kafka.topics.partitions | int | quote }}
- name: KAFKA_TOPIC_ADMIN
  value: {{ include "switchboard.topicAdmin" .root | quote }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      {{- if .svc.database.existingSecret }}
      name: {{ .svc.database.existingSecret }}
      key: {{ default "DATABASE_URL" .svc.database.existingSecretKey }}
      {{- else }}
      name: {{ include "switchboard.databaseSecretName" . }}
      key: DATABASE_URL
      {{- end }}
{{- if .svc.clickhouse }}
- name: CLICKHOUSE_URL
  valueFrom:
    secretKeyRef:
      {{- if $v.clickhouse.existingSecret }}
      name: {{ $v.clickhouse.existingSecret }}
      key: {{ default "CLICKHOUSE_URL" $v.clickhouse.existingSecretKey }}
      {{- else }}
      name: {{ include "switchboard.clickhouseSecretName" .root }}
      key: CLICKHOUSE_URL
      {{- end }}
{{- end }}
- name: AUTH_TOKEN_SECRET
  valueFrom:
    secretKeyRef:
      {{- if $v.auth.existingSecret }}
      name: {{ $v.auth.existingSecret }}
      key: {{ default "AUTH_TOKEN_SECRET" $v.auth.existingSecretKey }}
      {{- else }}
      name: {{ include "switchboard.authSecretName" .root }}
      key: AUTH_TOKEN_SECRET
      {{- end }}
{{- /* Where the other services answer in the cluster (ROUTING_URL, TELEPHONY_URL, …), as the launcher sets them on one machine. */}}
{{- range $other, $o := $v.services }}
{{- if $o.enabled }}
- name: {{ printf "%s_URL" (upper (replace "-" "_" $other)) }}
  value: {{ printf "http://%s:%d" (include "switchboard.serviceFullname" (dict "root" $.root "name" $other)) (int $o.port) | quote }}
{{- end }}
{{- end }}
{{- if and (eq .name "console") $v.ingress.enabled $v.ingress.host }}
- name: REPORTING_PAGES_URL
  # The wallboard and reports reach browsers through the console's Ingress host (templates/ingress.yaml).
  value: {{ printf "%s://%s" (ternary "https" "http" (not (empty $v.ingress.tls))) $v.ingress.host | quote }}
{{- end }}
{{- if eq .name "telephony" }}
- name: SWITCH_WEBHOOK_SECRET
  valueFrom:
    secretKeyRef:
      {{- if $v.switchWebhook.existingSecret }}
      name: {{ $v.switchWebhook.existingSecret }}
      key: {{ default "SWITCH_WEBHOOK_SECRET" $v.switchWebhook.existingSecretKey }}
      {{- else }}
      name: {{ include "switchboard.switchWebhookSecretName" .root }}
      key: SWITCH_WEBHOOK_SECRET
      {{- end }}
{{- with $v.switchWebhook.controlUrl }}
- name: SWITCH_CONTROL_URL
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- with $v.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- with .svc.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}
