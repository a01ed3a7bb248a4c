{{/* Chart name, truncated to the 63 characters a label value allows. */}}
{{- define "rosetta.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified app name: the release name, with the chart name unless it already holds it. */}}
{{- define "rosetta.fullname" -}}
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

{{- define "rosetta.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object. */}}
{{- define "rosetta.labels" -}}
helm.sh/chart: {{ include "rosetta.chart" . }}
{{ include "rosetta.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/component: metrics-translator
app.kubernetes.io/part-of: rosetta
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The labels that select the pods; never change them on upgrade (selectors are immutable). */}}
{{- define "rosetta.selectorLabels" -}}
app.kubernetes.io/name: {{ include "rosetta.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "rosetta.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "rosetta.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "rosetta.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion | toString) }}
{{- end }}

{{/*
The configuration file: .Values.config, plus views.files = [views/*.yaml] when .Values.views holds
files and the config names none itself.
*/}}
{{- define "rosetta.configMap" -}}
{{- $config := deepCopy (.Values.config | default dict) }}
{{- if include "rosetta.scraping" . }}
{{- $receivers := get $config "receivers" | default dict }}
{{- if .Values.scrape.prometheus.enabled }}
{{- $_ := set $receivers "prometheus" (include "rosetta.scrapeReceiver" (dict "ctx" . "kind" "prometheus") | fromYaml) }}
{{- end }}
{{- if .Values.scrape.jolokia.enabled }}
{{- $_ := set $receivers "jolokia" (include "rosetta.scrapeReceiver" (dict "ctx" . "kind" "jolokia") | fromYaml) }}
{{- end }}
{{- $_ := set $config "receivers" $receivers }}
{{- end }}
{{- if .Values.views }}
{{- $views := get $config "views" | default dict }}
{{- if not (hasKey $views "files") }}
{{- $_ := set $views "files" (list "views/*.yaml") }}
{{- end }}
{{- $_ := set $config "views" $views }}
{{- end }}
{{- toYaml $config }}
{{- end }}

{{/*
The parts of the configuration Rosetta reads at start only (listeners, TLS, the exporters, the
extensions, the shutdown timeout): a reload logs that they need a restart. Their checksum rolls the pods even when
the rest is hot-reloaded.
*/}}
{{- define "rosetta.restartOnlyConfig" -}}
{{- $config := .Values.config | default dict }}
{{- $restartOnly := dict }}
{{- $_ := set $restartOnly "receivers" (get $config "receivers") }}
{{- $_ := set $restartOnly "scrape" .Values.scrape }}
{{- $_ := set $restartOnly "exporters" (get $config "exporters") }}
{{- $_ := set $restartOnly "extensions" (get $config "extensions") }}
{{- $_ := set $restartOnly "service_extensions" (dig "service" "extensions" list $config) }}
{{- $_ := set $restartOnly "shutdown_timeout" (dig "service" "shutdown_timeout" "" $config) }}
{{- toYaml $restartOnly }}
{{- end }}

{{/*
The port of one listener endpoint, checked for use in a pod. Called with
(dict "path" "receivers.otlp.protocols.grpc" "listener" <map or nil>); prints the port, or nothing
when the listener is off (absent). An endpoint that is missing (Rosetta's default is loopback) or
bound to loopback fails the render: the kubelet's probes and other pods could not reach it.
*/}}
{{- define "rosetta.listenerPort" -}}
{{- if kindIs "map" .listener }}
{{- $endpoint := get .listener "endpoint" | toString }}
{{- if not $endpoint }}
{{- fail (printf "config.%s.endpoint must be set in a pod (e.g. 0.0.0.0:<port>); Rosetta's default binds loopback" .path) }}
{{- end }}
{{- $host := regexReplaceAll ":[0-9]+$" $endpoint "" }}
{{- if or (eq $host $endpoint) (not (regexMatch ":[0-9]+$" $endpoint)) }}
{{- fail (printf "config.%s.endpoint %q has no port" .path $endpoint) }}
{{- end }}
{{- if has ($host | trimPrefix "[" | trimSuffix "]" | lower) (list "127.0.0.1" "localhost" "::1") }}
{{- fail (printf "config.%s.endpoint %q binds loopback, unreachable from outside the pod: use 0.0.0.0:<port>" .path $endpoint) }}
{{- end }}
{{- regexFind "[0-9]+$" $endpoint }}
{{- else if .listener }}
{{- fail (printf "config.%s must be a map" .path) }}
{{- end }}
{{- end }}

{{/* The container ports, from the config's endpoints: {grpc: "4317", http: "4318", metrics: "9464"}. */}}
{{- define "rosetta.ports" -}}
{{- $protocols := dig "receivers" "otlp" "protocols" dict (.Values.config | default dict) }}
{{- $grpc := include "rosetta.listenerPort" (dict "path" "receivers.otlp.protocols.grpc" "listener" (get $protocols "grpc")) }}
{{- $http := include "rosetta.listenerPort" (dict "path" "receivers.otlp.protocols.http" "listener" (get $protocols "http")) }}
{{- $prometheus := dig "exporters" "prometheus" dict (.Values.config | default dict) }}
{{- $metrics := include "rosetta.listenerPort" (dict "path" "exporters.prometheus" "listener" ($prometheus | default dict)) }}
{{- if not (or $grpc $http) }}
{{- fail "config.receivers.otlp.protocols must turn on grpc and/or http, each with an endpoint such as 0.0.0.0:4317" }}
{{- end }}
{{- if $grpc }}
grpc: {{ $grpc | quote }}
{{- end }}
{{- if $http }}
http: {{ $http | quote }}
{{- end }}
metrics: {{ $metrics | quote }}
{{- end }}

{{/* "true" when a scrape receiver is on. */}}
{{- define "rosetta.scraping" -}}
{{- if and .Values.scrape (or .Values.scrape.prometheus.enabled .Values.scrape.jolokia.enabled) }}true{{- end }}
{{- end }}

{{/* Whether discovery is limited to the pod's node: scrape.nodeLocal, or true for a DaemonSet. */}}
{{- define "rosetta.nodeLocal" -}}
{{- if kindIs "bool" .Values.scrape.nodeLocal }}{{- if .Values.scrape.nodeLocal }}true{{- end }}
{{- else if eq .Values.kind "DaemonSet" }}true{{- end }}
{{- end }}

{{/*
One scrape receiver (prometheus or jolokia) with Kubernetes pod discovery and the annotation
recipe. Called with (dict "ctx" $ "kind" "prometheus"|"jolokia").
*/}}
{{- define "rosetta.scrapeReceiver" -}}
{{- $v := .ctx.Values }}
{{- $s := get $v.scrape .kind }}
{{- $prefix := ternary "__meta_kubernetes_pod_annotation_prometheus_io_" "__meta_kubernetes_pod_annotation_jolokia_io_" (eq .kind "prometheus") }}
{{- $sd := dict "role" "pod" }}
{{- with $v.scrape.namespaces }}
{{- $_ := set $sd "namespaces" (dict "names" .) }}
{{- end }}
{{- if include "rosetta.nodeLocal" .ctx }}
{{- $_ := set $sd "selectors" (list (dict "role" "pod" "field" "spec.nodeName=${env:NODE_NAME}")) }}
{{- end }}
{{- $relabel := list
  (dict "source_labels" (list (printf "%sscrape" $prefix)) "action" "keep" "regex" "true")
  (dict "source_labels" (list "__meta_kubernetes_pod_phase") "action" "drop" "regex" "(Succeeded|Failed)")
  (dict "source_labels" (list "__meta_kubernetes_pod_label_app_kubernetes_io_name" "__meta_kubernetes_pod_label_app_kubernetes_io_instance") "action" "drop" "regex" (printf "%s;%s" (include "rosetta.name" .ctx) .ctx.Release.Name))
}}
{{- if eq .kind "prometheus" }}
{{- $relabel = append $relabel (dict "source_labels" (list (printf "%sscheme" $prefix)) "regex" "(https?)" "target_label" "__scheme__") }}
{{- else }}
{{- $relabel = append $relabel (dict "source_labels" (list "__meta_kubernetes_pod_container_port_name" (printf "%sport" $prefix)) "action" "keep" "regex" "jolokia;|.*;.+") }}
{{- end }}
{{- $relabel = append $relabel (dict "source_labels" (list (printf "%spath" $prefix)) "regex" "(.+)" "target_label" "__metrics_path__") }}
{{- $relabel = append $relabel (dict "source_labels" (list "__address__" (printf "%sport" $prefix)) "regex" "([^:]+)(?::\\d+)?;(\\d+)" "replacement" "$1:$2" "target_label" "__address__") }}
{{- $relabel = append $relabel (dict "action" "labelmap" "regex" "__meta_kubernetes_pod_label_(.+)") }}
{{- $relabel = append $relabel (dict "source_labels" (list "__meta_kubernetes_namespace") "target_label" "namespace") }}
{{- $relabel = append $relabel (dict "source_labels" (list "__meta_kubernetes_pod_name") "target_label" "pod") }}
{{- $relabel = concat $relabel ($s.relabelConfigs | default list) }}
{{- $job := dict "job_name" $s.jobName "scrape_interval" $s.interval "scrape_timeout" $s.timeout "kubernetes_sd_configs" (list $sd) "relabel_configs" $relabel }}
{{- with $s.metricRelabelConfigs }}
{{- $_ := set $job "metric_relabel_configs" . }}
{{- end }}
{{- if $s.sampleLimit }}
{{- $_ := set $job "sample_limit" $s.sampleLimit }}
{{- end }}
{{- if and $s.bodySizeLimit (ne (toString $s.bodySizeLimit) "0") }}
{{- $_ := set $job "body_size_limit" (toString $s.bodySizeLimit) }}
{{- end }}
{{- $receiver := dict "config" (dict "scrape_configs" (list $job)) }}
{{- if and (eq .kind "jolokia") $s.mbeans }}
{{- $_ := set $receiver "mbeans" $s.mbeans }}
{{- end }}
{{- toYaml $receiver }}
{{- end }}

{{/*
Checks the file storage volume against the workload and the configuration, and fails the render
with the reason when they cannot work together: a claim holds one pod's queue (a Deployment of one
replica), a node directory is a DaemonSet's, and every file_storage extension's directory must be on
a volume (the root file system is read-only).
*/}}
{{- define "rosetta.fileStorageCheck" -}}
{{- $fs := .Values.fileStorage }}
{{- if $fs.enabled }}
{{- if not (has $fs.type (list "emptyDir" "persistentVolumeClaim" "hostPath")) }}
{{- fail (printf "fileStorage.type must be emptyDir, persistentVolumeClaim or hostPath, not %q" (toString $fs.type)) }}
{{- end }}
{{- if and (eq $fs.type "persistentVolumeClaim") (eq .Values.kind "DaemonSet") }}
{{- fail "fileStorage.type persistentVolumeClaim cannot back a DaemonSet (one claim, many pods): use hostPath, a directory on each node" }}
{{- end }}
{{- if and (eq $fs.type "persistentVolumeClaim") (or .Values.hpa.enabled (gt (int .Values.replicaCount) 1)) }}
{{- fail "fileStorage.type persistentVolumeClaim holds the queue of one pod: use replicaCount 1 without hpa, or emptyDir" }}
{{- end }}
{{- if and (eq $fs.type "hostPath") (eq .Values.kind "Deployment") }}
{{- fail "fileStorage.type hostPath is for a DaemonSet: a Deployment's pod may move to another node and leave its queue behind; use persistentVolumeClaim" }}
{{- end }}
{{- end }}
{{- $mounts := list }}
{{- if $fs.enabled }}
{{- $mounts = append $mounts (trimSuffix "/" $fs.mountPath) }}
{{- end }}
{{- range .Values.extraVolumeMounts }}
{{- $mounts = append $mounts (trimSuffix "/" (toString .mountPath)) }}
{{- end }}
{{- range $id, $ext := (dig "extensions" dict (.Values.config | default dict)) }}
{{- if or (eq $id "file_storage") (hasPrefix "file_storage/" $id) }}
{{- $dir := trimSuffix "/" (toString (get ($ext | default dict) "directory")) }}
{{- $onVolume := false }}
{{- range $mounts }}
{{- if or (eq $dir .) (hasPrefix (printf "%s/" .) $dir) }}
{{- $onVolume = true }}
{{- end }}
{{- end }}
{{- if not $onVolume }}
{{- fail (printf "config.extensions.%s.directory %q is not on a volume and the root file system is read-only: set fileStorage.enabled and use fileStorage.mountPath (%s)" $id $dir $fs.mountPath) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/* The node directory of a hostPath file storage. */}}
{{- define "rosetta.fileStorageHostPath" -}}
{{- .Values.fileStorage.hostPath.path | default (printf "/var/lib/rosetta/%s" .Release.Name) }}
{{- end }}

{{/* The claim of a persistentVolumeClaim file storage. */}}
{{- define "rosetta.fileStorageClaim" -}}
{{- .Values.fileStorage.persistentVolumeClaim.existingClaim | default (printf "%s-queue" (include "rosetta.fullname" .)) }}
{{- end }}
