#!/usr/bin/env python3
"""Production preflight (`make preflight`; CI runs it for release tags).

Fails while anything production deploys or configures still holds a placeholder this
repository was generated with: the prod overlay as kustomize builds it, and the setup files of
the vault backend. Each finding names the file, the line and what to
set. Needs only python3 and kubectl.
"""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDERS = {
    "REPLACE_WITH": "a placeholder value: seal or set the real one",
    "123456789012": "AWS's documentation account id: set the real account (stamp update aws_account_id=...)",
    "EXAMPLED539D4633E53DE1B716D3041E": "the example EKS OIDC issuer: set eks_oidc_provider",
    "vault.example.com": "the example Vault address: set vault_addr",
    "db.example.com": "the example PostgreSQL host: set postgres_host",
}
# The files beside the manifests that the chosen backend's setup runs.
BACKEND_FILES = {
    "external-secrets": ["aws/iam-policy-secrets-read.json", "aws/irsa-trust-policy.json",
                         "aws/iam-policy-migration-read.json", "aws/irsa-trust-policy-migration.json",
                         "aws/setup-secrets-manager.sh"],
    "vault": ["vault/common.sh", "vault/policy.hcl", "vault/policy-migration.hcl", "vault/setup-kv.sh",
              "vault/setup-kubernetes-auth.sh", "vault/setup-database-engine.sh", "vault/database-prerequisites.sql"],
    "sealed-secrets": ["scripts/seal-secrets.sh"],
}["vault"]


def main() -> int:
    build = subprocess.run(["kubectl", "kustomize", str(ROOT / "k8s/overlays/prod")], capture_output=True, text=True)
    if build.returncode != 0:
        print(f"error: kubectl kustomize k8s/overlays/prod failed: {build.stderr.strip()}", file=sys.stderr)
        return 2
    sources = {"k8s/overlays/prod (as built)": build.stdout}
    # (The database engine's files exist only with dynamic credentials.)
    sources.update({name: (ROOT / name).read_text() for name in BACKEND_FILES if (ROOT / name).exists()})
    findings = [
        f"{name}:{number}: {placeholder}: {why}"
        for name, text in sources.items()
        for number, line in enumerate(text.splitlines(), 1)
        for placeholder, why in PLACEHOLDERS.items()
        if placeholder in line
    ]
    for finding in findings:
        print(finding, file=sys.stderr)
    if findings:
        print(f"preflight: {len(findings)} placeholders left; production is not ready", file=sys.stderr)
        return 1
    print("preflight: no placeholders left")
    return 0


if __name__ == "__main__":
    sys.exit(main())
