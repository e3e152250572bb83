{{- define "embedding-gateway.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "embedding-gateway.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "embedding-gateway.selectorLabels" -}}
app.kubernetes.io/name: {{ include "embedding-gateway.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "embedding-gateway.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "embedding-gateway.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "embedding-gateway.secretName" -}}
{{- default (include "embedding-gateway.fullname" .) .Values.secret.existingSecret }}
{{- end }}

{{- define "embedding-gateway.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "embedding-gateway.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The environment variable that carries tenant $index's own upstream key. */}}
{{- define "embedding-gateway.tenantKeyVariable" -}}
{{- printf "TENANT_%d_UPSTREAM_API_KEY" . }}
{{- end }}

{{/*
The application's configuration, as application.yml. Secrets are not in it: they come
from environment variables the Deployment fills from the Secret.
*/}}
{{- define "embedding-gateway.applicationYaml" -}}
{{- $tenants := list }}
{{- range $index, $tenant := .Values.tenants }}
{{- $entry := omit $tenant "ownUpstreamApiKey" }}
{{- if $tenant.ownUpstreamApiKey }}
{{- $entry = set $entry "upstream-api-key" (printf "${%s}" (include "embedding-gateway.tenantKeyVariable" $index)) }}
{{- end }}
{{- $tenants = append $tenants $entry }}
{{- end }}
{{- $gateway := dict "upstreams" (list (dict "id" "siliconflow" "base-url" .Values.siliconflow.baseUrl "api-key" "${SILICONFLOW_API_KEY:}")) "tenants" $tenants }}
{{- $app := dict "gateway" $gateway }}
{{- $_ := set $app "server" (dict "port" 8080 "address" "0.0.0.0") }}
{{- $_ := set $app "management" (dict "server" (dict "port" (int .Values.service.managementPort) "address" "0.0.0.0")) }}
{{- $spring := dict "lifecycle" (dict "timeout-per-shutdown-phase" (printf "%ds" (int .Values.shutdown.drainSeconds))) }}
{{- if .Values.redis.host }}
{{- $redis := dict "host" .Values.redis.host "port" (int .Values.redis.port) "database" (int .Values.redis.database) }}
{{- if .Values.redis.ssl }}
{{- $_ := set $redis "ssl" (dict "enabled" true) }}
{{- end }}
{{- if .Values.redis.auth.username }}
{{- $_ := set $redis "username" .Values.redis.auth.username }}
{{- end }}
{{- if .Values.redis.auth.enabled }}
{{- $_ := set $redis "password" "${REDIS_PASSWORD}" }}
{{- end }}
{{- $_ := set $spring "data" (dict "redis" $redis) }}
{{- end }}
{{- $_ := set $app "spring" $spring }}
{{- toYaml (mergeOverwrite $app (deepCopy .Values.config)) }}
{{- end }}

{{/*
Seconds Kubernetes waits after asking the pod to stop: the preStop sleep, the gateway's
drain of requests in flight, the in-process models' last batch (LocalModels.CLOSE_WAIT,
15 s) and 5 s for the JVM to exit.
*/}}
{{- define "embedding-gateway.terminationGracePeriodSeconds" -}}
{{- $deadline := 60 }}
{{- $configured := (((.Values.config).gateway).resilience).deadline | default "" | toString }}
{{- if regexMatch "^[0-9]+s$" $configured }}
{{- $deadline = trimSuffix "s" $configured | int }}
{{- else if regexMatch "^[0-9]+m$" $configured }}
{{- $deadline = mul (trimSuffix "m" $configured | int) 60 }}
{{- end }}
{{- if le (int .Values.shutdown.drainSeconds) $deadline }}
{{- fail (printf "shutdown.drainSeconds (%d) must be longer than gateway.resilience.deadline (%d s), or requests in flight are cut off at shutdown" (int .Values.shutdown.drainSeconds) $deadline) }}
{{- end }}
{{- add (int .Values.shutdown.preStopSleepSeconds) (int .Values.shutdown.drainSeconds) 15 5 }}
{{- end }}
