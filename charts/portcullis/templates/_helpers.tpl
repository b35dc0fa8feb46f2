{{/* Names and labels shared by every manifest. */}}

{{- define "portcullis.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "portcullis.fullname" -}}
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

{{- define "portcullis.selectorLabels" -}}
app.kubernetes.io/name: {{ include "portcullis.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "portcullis.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "portcullis.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "portcullis.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "portcullis.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "portcullis.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* Paths inside the container; the image's CMD uses the same ones. */}}
{{- define "portcullis.configDir" -}}/etc/portcullis/config{{- end -}}
{{- define "portcullis.secretsDir" -}}/etc/portcullis/secrets{{- end -}}
{{- define "portcullis.dataDir" -}}/var/lib/portcullis{{- end -}}

{{- define "portcullis.configMapName" -}}
{{- default (printf "%s-config" (include "portcullis.fullname" .)) .Values.config.existingConfigMap.name -}}
{{- end -}}

{{- define "portcullis.secretName" -}}
{{- default (printf "%s-secrets" (include "portcullis.fullname" .)) .Values.secrets.existingSecret -}}
{{- end -}}

{{- define "portcullis.claimName" -}}
{{- default (printf "%s-data" (include "portcullis.fullname" .)) .Values.persistence.existingClaim -}}
{{- end -}}

{{/* A config file path as a ConfigMap key: keys may not contain "/". */}}
{{- define "portcullis.configKey" -}}
{{- replace "/" "_" . -}}
{{- end -}}

{{/* The config file paths the ConfigMap volume projects, inline or from existingConfigMap. */}}
{{- define "portcullis.configPaths" -}}
{{- if .Values.config.existingConfigMap.name -}}
{{- toYaml .Values.config.existingConfigMap.files -}}
{{- else -}}
{{- toYaml (keys .Values.config.files | sortAlpha) -}}
{{- end -}}
{{- end -}}

{{/* The inline portcullis.yaml as a map; empty with existingConfigMap. */}}
{{- define "portcullis.serverConfig" -}}
{{- if and (not .Values.config.existingConfigMap.name) (hasKey .Values.config.files "portcullis.yaml") -}}
{{- toYaml (fromYaml (get .Values.config.files "portcullis.yaml")) -}}
{{- else -}}
{{- "{}" -}}
{{- end -}}
{{- end -}}

{{/*
Seconds in a Portcullis duration ("20s", "1m30s", "500ms", a bare integer = seconds), rounded up.
Matches the config loader's units: ms, s, m, h, d, w.
*/}}
{{- define "portcullis.durationSeconds" -}}
{{- $text := toString . | trim -}}
{{- if regexMatch "^[0-9]+$" $text -}}
{{- $text -}}
{{- else if regexMatch "^([0-9]+(ms|s|m|h|d|w))+$" $text -}}
{{- $millis := 0 -}}
{{- $unit := dict "ms" 1 "s" 1000 "m" 60000 "h" 3600000 "d" 86400000 "w" 604800000 -}}
{{- range regexFindAll "[0-9]+(ms|s|m|h|d|w)" $text -1 -}}
{{- $number := regexFind "^[0-9]+" . -}}
{{- $suffix := trimPrefix $number . -}}
{{- $millis = add $millis (mul (atoi $number) (get $unit $suffix)) -}}
{{- end -}}
{{- div (add $millis 999) 1000 -}}
{{- else -}}
{{- fail (printf "server.drain_timeout %q in config.files.portcullis.yaml is not a duration (e.g. 20s, 1m30s)" $text) -}}
{{- end -}}
{{- end -}}

{{- define "portcullis.terminationGracePeriodSeconds" -}}
{{- if not (kindIs "invalid" .Values.terminationGracePeriodSeconds) -}}
{{- int .Values.terminationGracePeriodSeconds -}}
{{- else -}}
{{- $server := fromYaml (include "portcullis.serverConfig" .) -}}
{{- $drain := "20s" -}}
{{- if and (hasKey $server "server") (kindIs "map" $server.server) (hasKey $server.server "drain_timeout") -}}
{{- $drain = $server.server.drain_timeout -}}
{{- end -}}
{{- add (include "portcullis.durationSeconds" $drain | atoi) .Values.terminationGraceMarginSeconds -}}
{{- end -}}
{{- end -}}

{{/* The storage driver named by the inline portcullis.yaml; SQLite, the default, otherwise. */}}
{{- define "portcullis.storageDriver" -}}
{{- $server := fromYaml (include "portcullis.serverConfig" .) -}}
{{- if and (hasKey $server "storage") (kindIs "map" $server.storage) (hasKey $server.storage "driver") -}}
{{- $server.storage.driver -}}
{{- else -}}
sqlite
{{- end -}}
{{- end -}}

{{/* Every refusal the schema cannot express, with a message that says what to change. */}}
{{- define "portcullis.validate" -}}
{{- if and (eq (include "portcullis.storageDriver" .) "sqlite") (gt (int .Values.replicaCount) 1) -}}
{{- fail (printf "\n\nreplicaCount is %d, but Portcullis uses SQLite storage, which allows a single writer on a ReadWriteOnce volume: set replicaCount: 1. Several replicas will need a shared database (PostgreSQL, planned).\n" (int .Values.replicaCount)) -}}
{{- end -}}
{{- if and .Values.secrets.existingSecret .Values.secrets.inline -}}
{{- fail "\n\nsecrets.existingSecret and secrets.inline are both set: use existingSecret in production, inline only for development, never both.\n" -}}
{{- end -}}
{{- if and .Values.config.existingConfigMap.name (not .Values.config.existingConfigMap.files) -}}
{{- fail "\n\nconfig.existingConfigMap.files is empty: list every file of the ConfigMap by path (portcullis.yaml, tenants/<name>.yaml).\n" -}}
{{- end -}}
{{- $paths := fromYamlArray (include "portcullis.configPaths" .) -}}
{{- if not (has "portcullis.yaml" $paths) -}}
{{- fail "\n\nthe configuration has no portcullis.yaml: add it to config.files (or config.existingConfigMap.files).\n" -}}
{{- end -}}
{{- $container := .Values.securityContext -}}
{{- if or (ne (toString $container.readOnlyRootFilesystem) "true") (ne (toString $container.allowPrivilegeEscalation) "false") (not (has "ALL" (($container.capabilities | default dict).drop | default list))) -}}
{{- fail "\n\nsecurityContext must keep readOnlyRootFilesystem: true, allowPrivilegeEscalation: false and capabilities.drop: [ALL]; Portcullis needs none of what they forbid.\n" -}}
{{- end -}}
{{- if ne (toString .Values.podSecurityContext.runAsNonRoot) "true" -}}
{{- fail "\n\npodSecurityContext.runAsNonRoot must stay true: the image runs as an unprivileged user.\n" -}}
{{- end -}}
{{- if and .Values.persistence.enabled (not .Values.persistence.existingClaim) (has "ReadWriteMany" .Values.persistence.accessModes) -}}
{{- fail "\n\npersistence.accessModes includes ReadWriteMany: SQLite needs a local, single-writer volume (ReadWriteOnce or ReadWriteOncePod).\n" -}}
{{- end -}}
{{- end -}}
