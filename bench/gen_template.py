#!/usr/bin/env python3
"""Writes a synthetic cookiecutter template for the benchmarks (stdlib only, deterministic).

    gen_template.py files N DIR     N files of about 2.4 KB, 10 per directory
    gen_template.py large K MB DIR  K text files of about MB megabytes each

Every file has a few substitutions, one {% if %}/{% else %} block and one {% for %}
over three environments; directory and file names are templated:
DIR/{{cookiecutter.project_slug}}/{{cookiecutter.app_name}}-c0000/{{cookiecutter.app_name}}-kind-00001.yaml
"""

import json
import os
import sys

CONTEXT = {
    "project_name": "Demo Service",
    "project_slug": "{{ cookiecutter.project_name.lower().replace(' ', '-') }}",
    "app_name": "demo-api",
    "namespace": "demo",
    "image": "registry.example.com/demo/api",
    "replicas": "2",
    "secrets_backend": ["vault", "external-secrets", "sealed-secrets"],
    "use_sentry": "yes",
}

LOOP = (
    '{% for env in ["dev", "staging", "prod"] %}'
    "{{ comment }} {{ env }}: {{ cookiecutter.app_name }}.{{ env }}.{{ cookiecutter.namespace }}.svc\n"
    "{% endfor %}"
)

IF = (
    "{% if cookiecutter.secrets_backend == 'vault' %}"
    "{{ comment }} secrets come from Vault at secret/data/{{ cookiecutter.namespace }}/{{ cookiecutter.app_name }}\n"
    "{% else %}"
    "{{ comment }} secrets come from {{ cookiecutter.secrets_backend }}\n"
    "{% endif %}"
)

KINDS = [
    ("yaml", "#", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ cookiecutter.app_name }}\n"
     "  namespace: {{ cookiecutter.namespace }}\nspec:\n  replicas: {{ cookiecutter.replicas }}\n"
     "  template:\n    spec:\n      containers:\n        - name: app\n          image: {{ cookiecutter.image }}:latest\n"),
    ("yaml", "#", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
     "namespace: {{ cookiecutter.namespace }}\nresources:\n  - deployment.yaml\n  - service.yaml\n"),
    ("hcl", "#", 'path "secret/data/{{ cookiecutter.namespace }}/{{ cookiecutter.app_name }}/*" {\n'
     '  capabilities = ["read"]\n}\n'),
    ("sh", "#", "#!/usr/bin/env bash\nset -euo pipefail\nNAMESPACE={{ cookiecutter.namespace }}\n"
     "APP={{ cookiecutter.app_name }}\necho \"configuring $APP in $NAMESPACE\"\n"),
    ("yaml", "#", "apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata:\n"
     "  name: {{ cookiecutter.app_name }}-secrets\n  namespace: {{ cookiecutter.namespace }}\n"),
    ("json", "//", '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Sid": "{{ cookiecutter.app_name }}",\n'
     '      "Effect": "Allow",\n      "Resource": "arn:aws:secretsmanager:*:*:secret:{{ cookiecutter.namespace }}/*"\n    }\n  ]\n}\n'),
    ("md", "<!-- -->", "# {{ cookiecutter.project_name }}\n\nThe `{{ cookiecutter.app_name }}` service runs in the "
     "`{{ cookiecutter.namespace }}` namespace.\n\n"),
]

FILLER = "{c} filler line {i:02d}: keep the generated project readable and reasonably realistic.\n"


def body(index: int) -> str:
    ext, comment, head = KINDS[index % len(KINDS)]
    parts = [head, "{% set comment = '" + comment + "' %}", IF, LOOP]
    lines = 17 + (index * 7) % 18
    parts.extend(FILLER.format(c=comment, i=i) for i in range(lines))
    return ext, "".join(parts)


def write_context(dir_: str) -> str:
    os.makedirs(dir_, exist_ok=True)
    with open(os.path.join(dir_, "cookiecutter.json"), "w") as f:
        json.dump(CONTEXT, f, indent=2)
    top = os.path.join(dir_, "{{cookiecutter.project_slug}}")
    os.makedirs(top, exist_ok=True)
    return top


def files(n: int, dir_: str) -> None:
    top = write_context(dir_)
    for i in range(n):
        sub = os.path.join(top, "{{cookiecutter.app_name}}-c%04d" % (i // 10))
        os.makedirs(sub, exist_ok=True)
        ext, text = body(i)
        name = "{{cookiecutter.app_name}}-kind-%05d.%s" % (i, ext)
        with open(os.path.join(sub, name), "w") as f:
            f.write(text)
        if ext == "sh":
            os.chmod(os.path.join(sub, name), 0o755)


def large(k: int, megabytes: float, dir_: str) -> None:
    top = write_context(dir_)
    sub = os.path.join(top, "{{cookiecutter.app_name}}-data")
    os.makedirs(sub, exist_ok=True)
    line = "row {:08d}: static data that the template copies through its renderer unchanged.\n"
    for i in range(k):
        with open(os.path.join(sub, "{{cookiecutter.app_name}}-%d.txt" % i), "w") as f:
            f.write("# {{ cookiecutter.project_name }} ({{ cookiecutter.namespace }})\n")
            size, row = 0, 0
            chunk = []
            while size < megabytes * 1_000_000:
                text = line.format(row)
                chunk.append(text)
                size += len(text)
                row += 1
            f.write("".join(chunk))
            f.write("{% if cookiecutter.use_sentry == 'yes' %}sentry on{% else %}sentry off{% endif %}\n")


if __name__ == "__main__":
    if sys.argv[1:2] == ["files"] and len(sys.argv) == 4:
        files(int(sys.argv[2]), sys.argv[3])
    elif sys.argv[1:2] == ["large"] and len(sys.argv) == 5:
        large(int(sys.argv[2]), float(sys.argv[3]), sys.argv[4])
    else:
        sys.exit(__doc__)
