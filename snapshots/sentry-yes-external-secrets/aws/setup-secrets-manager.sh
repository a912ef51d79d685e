#!/usr/bin/env bash
# Creates (or updates) the service's secrets in AWS Secrets Manager from local JSON files and
# the two IAM roles External Secrets Operator assumes through IRSA: one for the web pods'
# secrets, one for the migration credentials only (the migration Job's Secret).
#
#   SECRETS_DIR=./secrets aws/setup-secrets-manager.sh          # secrets + roles
#   aws/setup-secrets-manager.sh --role-only                     # just the IAM roles
#
# Values are read with file:// so they never appear in shell history or the process list.
# Prerequisite (once per cluster): an IAM OIDC provider for the cluster, e.g.
#   eksctl utils associate-iam-oidc-provider --cluster <cluster> --approve
set -euo pipefail

export AWS_REGION="${AWS_REGION:-us-east-1}"
SLUG="my-service"
SECRETS_DIR="${SECRETS_DIR:-./secrets}"
HERE="$(cd "$(dirname "$0")" && pwd)"
NAMES=(database redis sentry migration)

log() { printf '%s\n' "$*" >&2; }

if [ "${1:-}" != "--role-only" ]; then
  for name in "${NAMES[@]}"; do
    file="$SECRETS_DIR/$name.json"
    [ -f "$file" ] || { log "error: $file is missing"; exit 1; }
    if aws secretsmanager describe-secret --secret-id "$SLUG/$name" >/dev/null 2>&1; then
      log "updating $SLUG/$name"
      aws secretsmanager put-secret-value --secret-id "$SLUG/$name" --secret-string "file://$file" >/dev/null
    else
      log "creating $SLUG/$name"
      aws secretsmanager create-secret --name "$SLUG/$name" --secret-string "file://$file" >/dev/null
    fi
  done
fi

# One role per Kubernetes service account: role, trust policy, permissions policy, its name.
role() {
  local name="$1" trust="$HERE/$2" policy="$HERE/$3" policy_name="$4"
  if aws iam get-role --role-name "$name" >/dev/null 2>&1; then
    aws iam update-assume-role-policy --role-name "$name" --policy-document "file://$trust"
  else
    aws iam create-role --role-name "$name" --assume-role-policy-document "file://$trust" >/dev/null
  fi
  aws iam put-role-policy --role-name "$name" --policy-name "$policy_name" --policy-document "file://$policy"
  log "role $name ready"
}
role "${SLUG}-external-secrets" irsa-trust-policy.json iam-policy-secrets-read.json "${SLUG}-secrets-read"
role "${SLUG}-eso-migration" irsa-trust-policy-migration.json iam-policy-migration-read.json "${SLUG}-migration-read"
log "k8s/components/external-secrets/serviceaccount-eso.yaml and migration.yaml point at them"
