#!/usr/bin/env bash
# Creates (or updates) the service's secrets in AWS Secrets Manager from local JSON files and
# the two IAM roles External Secrets Operator assumes through IRSA: one for the web pods'
# secrets, one for the migration credentials only (the migration Job's Secret).
#
#   SECRETS_DIR=./secrets aws/setup-secrets-manager.sh          # secrets + roles
#   aws/setup-secrets-manager.sh --role-only                     # just the IAM roles
#   ... --kms-key-id arn:aws:kms:<region>:<account>:key/<id>   # a customer-managed key (optional)
#
# With --kms-key-id the secrets are encrypted with that key instead of aws/secretsmanager, and
# each role also gets kms:Decrypt on it, only through Secrets Manager (kms:ViaService) and only
# for its own secrets (kms:EncryptionContext:SecretARN). The key's policy must let the account's
# IAM policies grant it (the default key policy does).
#
# Values are read with file:// so they never appear in shell history or the process list.
# Prerequisite (once per cluster): an IAM OIDC provider for the cluster, e.g.
#   eksctl utils associate-iam-oidc-provider --cluster <cluster> --approve
set -euo pipefail

export AWS_REGION="${AWS_REGION:-us-east-1}"
SLUG="my-service"
SECRETS_DIR="${SECRETS_DIR:-./secrets}"
HERE="$(cd "$(dirname "$0")" && pwd)"
NAMES=(database redis migration)

log() { printf '%s\n' "$*" >&2; }

ROLE_ONLY=false
KMS_KEY_ID=""
while [ "$#" -gt 0 ]; do
  case "$1" in
    --role-only) ROLE_ONLY=true ;;
    --kms-key-id) KMS_KEY_ID="${2:-}"; shift ;;
    --kms-key-id=*) KMS_KEY_ID="${1#*=}" ;;
    *) log "usage: $0 [--role-only] [--kms-key-id KEY_ARN]"; exit 2 ;;
  esac
  shift
done
# A key ARN, not an alias: IAM policies name keys by ARN.
KEY_ARN_RE='^arn:aws:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-zA-Z-]+$'
if [ -n "$KMS_KEY_ID" ] && ! [[ "$KMS_KEY_ID" =~ $KEY_ARN_RE ]]; then
  log "error: --kms-key-id must be a key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or bare id: $KMS_KEY_ID"
  exit 2
fi
KMS_ARGS=()
[ -z "$KMS_KEY_ID" ] || KMS_ARGS=(--kms-key-id "$KMS_KEY_ID")

if [ "$ROLE_ONLY" = false ]; then
  for name in "${NAMES[@]}"; do
    file="$SECRETS_DIR/$name.json"
    [ -f "$file" ] || { log "error: $file is missing"; exit 1; }
    if aws secretsmanager describe-secret --secret-id "$SLUG/$name" >/dev/null 2>&1; then
      log "updating $SLUG/$name"
      [ -z "$KMS_KEY_ID" ] || aws secretsmanager update-secret --secret-id "$SLUG/$name" "${KMS_ARGS[@]}" >/dev/null
      aws secretsmanager put-secret-value --secret-id "$SLUG/$name" --secret-string "file://$file" >/dev/null
    else
      log "creating $SLUG/$name"
      aws secretsmanager create-secret --name "$SLUG/$name" --secret-string "file://$file" "${KMS_ARGS[@]}" >/dev/null
    fi
  done
fi

# kms:Decrypt on the key for the secrets a read policy names (the same ARN patterns), through
# Secrets Manager only.
VIA_SERVICE="secretsmanager.${AWS_REGION}.amazonaws.com"
kms_policy() {
  local arns
  arns="$(sed -n 's/^ *\("arn:[^"]*:secret:[^"]*"\),\{0,1\}$/\1/p' "$1" | paste -sd, -)"
  printf '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Sid": "DecryptOwnSecretsViaSecretsManager",\n'
  printf '      "Effect": "Allow",\n      "Action": "kms:Decrypt",\n      "Resource": "%s",\n' "$KMS_KEY_ID"
  printf '      "Condition": {\n        "StringEquals": {"kms:ViaService": "%s"},\n' "$VIA_SERVICE"
  printf '        "StringLike": {"kms:EncryptionContext:SecretARN": [%s]}\n      }\n    }\n  ]\n}\n' "$arns"
}

# One role per Kubernetes service account: role, trust policy, permissions policy, its name.
role() {
  local name="$1" trust="$HERE/$2" policy="$HERE/$3" policy_name="$4"
  if aws iam get-role --role-name "$name" >/dev/null 2>&1; then
    aws iam update-assume-role-policy --role-name "$name" --policy-document "file://$trust"
  else
    aws iam create-role --role-name "$name" --assume-role-policy-document "file://$trust" >/dev/null
  fi
  aws iam put-role-policy --role-name "$name" --policy-name "$policy_name" --policy-document "file://$policy"
  if [ -n "$KMS_KEY_ID" ]; then
    local kms
    kms="$(mktemp)"
    kms_policy "$policy" >"$kms"
    aws iam put-role-policy --role-name "$name" --policy-name "$policy_name-kms" --policy-document "file://$kms"
    rm -f "$kms"
  fi
  log "role $name ready"
}
role "${SLUG}-external-secrets" irsa-trust-policy.json iam-policy-secrets-read.json "${SLUG}-secrets-read"
role "${SLUG}-eso-migration" irsa-trust-policy-migration.json iam-policy-migration-read.json "${SLUG}-migration-read"
log "k8s/components/external-secrets/serviceaccount-eso.yaml and migration.yaml point at them"
