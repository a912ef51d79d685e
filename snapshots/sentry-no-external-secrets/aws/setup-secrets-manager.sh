#!/usr/bin/env bash
# Creates (or updates) the service's secrets in AWS Secrets Manager from local JSON files and
# the IAM role External Secrets Operator assumes through IRSA.
#
#   SECRETS_DIR=./secrets aws/setup-secrets-manager.sh          # secrets + role
#   aws/setup-secrets-manager.sh --role-only                     # just the IAM role
#
# Values are read with file:// so they never appear in shell history or the process list.
# Prerequisite (once per cluster): an IAM OIDC provider for the cluster, e.g.
#   eksctl utils associate-iam-oidc-provider --cluster <cluster> --approve
set -euo pipefail

export AWS_REGION="${AWS_REGION:-us-east-1}"
SLUG="my-service"
ROLE_NAME="${SLUG}-external-secrets"
SECRETS_DIR="${SECRETS_DIR:-./secrets}"
HERE="$(cd "$(dirname "$0")" && pwd)"
NAMES=(database redis)

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

if aws iam get-role --role-name "$ROLE_NAME" >/dev/null 2>&1; then
  aws iam update-assume-role-policy --role-name "$ROLE_NAME" \
    --policy-document "file://$HERE/irsa-trust-policy.json"
else
  aws iam create-role --role-name "$ROLE_NAME" \
    --assume-role-policy-document "file://$HERE/irsa-trust-policy.json" >/dev/null
fi
aws iam put-role-policy --role-name "$ROLE_NAME" --policy-name "${SLUG}-secrets-read" \
  --policy-document "file://$HERE/iam-policy-secrets-read.json"
log "role $ROLE_NAME ready; k8s/components/external-secrets/serviceaccount-eso.yaml points at it"
