#!/usr/bin/env bash
# Enables and configures the Kubernetes auth method and creates the roles the Vault Agents log
# in with: one for the backend's pods, one for the migration Job.
#
#   VAULT_K8S_MODE=in-cluster vault/setup-kubernetes-auth.sh   # Vault runs inside this cluster
#   VAULT_K8S_MODE=external   vault/setup-kubernetes-auth.sh   # Vault runs elsewhere (default)
#
# in-cluster: Vault reviews tokens with its own pod's (auto-rotated) token and CA.
# external:   Vault reviews tokens with the long-lived token of the vault-token-reviewer
#             service account (apply vault/k8s-token-reviewer.yaml first); the API server URL
#             and CA come from the current kubeconfig context (or KUBERNETES_HOST/KUBERNETES_CA_FILE),
#             the reviewer token from that service account's Secret (or TOKEN_REVIEWER_JWT_FILE).
set -euo pipefail
# shellcheck source=vault/common.sh
. "$(dirname "$0")/common.sh"

MODE="${VAULT_K8S_MODE:-external}"
REVIEWER_NAMESPACE="${REVIEWER_NAMESPACE:-vault}"

auth_mounts="$("$VAULT" auth list -format=json)"
if [[ "$auth_mounts" != *"\"${AUTH_MOUNT}/\""* ]]; then
  log "enabling kubernetes auth at auth/${AUTH_MOUNT}"
  "$VAULT" auth enable -path="$AUTH_MOUNT" kubernetes
fi

case "$MODE" in
  in-cluster)
    "$VAULT" write "auth/${AUTH_MOUNT}/config" \
      kubernetes_host="${KUBERNETES_HOST:-https://kubernetes.default.svc:443}"
    ;;
  external)
    host="${KUBERNETES_HOST:-$(kubectl config view --minify --raw -o jsonpath='{.clusters[0].cluster.server}')}"
    ca_file="${KUBERNETES_CA_FILE:-}"
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    if [ -z "$ca_file" ]; then
      ca_file="$tmp/ca.crt"
      kubectl config view --minify --raw -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' \
        | base64 -d >"$ca_file"
    fi
    # The reviewer token goes through a file, never argv.
    jwt_file="${TOKEN_REVIEWER_JWT_FILE:-}"
    if [ -z "$jwt_file" ]; then
      jwt_file="$tmp/reviewer.jwt"
      kubectl -n "$REVIEWER_NAMESPACE" get secret vault-token-reviewer -o jsonpath='{.data.token}' \
        | base64 -d >"$jwt_file"
    fi
    # An empty host, CA or token (no kubeconfig context, no reviewer Secret yet) would configure
    # an auth method that rejects every login; stop here instead.
    [ -n "$host" ] || { log "error: no Kubernetes API address: set KUBERNETES_HOST or a kubeconfig context"; exit 1; }
    grep -q 'BEGIN CERTIFICATE' "$ca_file" 2>/dev/null \
      || { log "error: $ca_file holds no PEM certificate: set KUBERNETES_CA_FILE or a kubeconfig context"; exit 1; }
    [ -s "$jwt_file" ] \
      || { log "error: the token reviewer JWT is empty: apply vault/k8s-token-reviewer.yaml or set TOKEN_REVIEWER_JWT_FILE"; exit 1; }
    "$VAULT" write "auth/${AUTH_MOUNT}/config" \
      kubernetes_host="$host" \
      kubernetes_ca_cert="@$ca_file" \
      token_reviewer_jwt="@$jwt_file"
    ;;
  *)
    log "error: VAULT_K8S_MODE must be in-cluster or external"
    exit 2
    ;;
esac

# role NAME SERVICE_ACCOUNT POLICY TTL MAX_TTL
role() {
  log "role $1: service account ${APP_NAMESPACE}/$2, audience ${AUDIENCE}, policy $3"
  "$VAULT" write "auth/${AUTH_MOUNT}/role/$1" \
    bound_service_account_names="$2" \
    bound_service_account_namespaces="$APP_NAMESPACE" \
    audience="$AUDIENCE" \
    alias_name_source=serviceaccount_uid \
    token_policies="$3" \
    token_ttl="$4" \
    token_max_ttl="$5"
}
# The web pods' Vault Agent (a sidecar that renews its token). Its database user's lease ends
# with the token that read it: the token may live as long as the lease (max_ttl 24h).
role "$SLUG" "$APP_SERVICE_ACCOUNT" "$SLUG" 1h 24h
# The migration Job's Vault Agent (init container only: renders once, then the Job runs).
role "$MIGRATION_ROLE" "$MIGRATION_SERVICE_ACCOUNT" "$MIGRATION_ROLE" 15m 1h
