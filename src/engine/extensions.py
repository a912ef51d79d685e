# The Python side of a cookiecutter template's local Jinja2 extensions
# (src/engine/extensions.rs). stamp runs this once per render engine, in the
# template's directory, and speaks JSON lines with it on stdin and stdout:
# first {"load": [names]}, answered with what the extensions add to a Jinja2
# environment, then one {"call": ...} per use of a filter, test or global.
# Values carry their Python type: {"__tuple__": [...]}, {"__dict__": [[k, v]]},
# {"__ordered__": [[k, v]]} (an OrderedDict), {"__float__": "nan"}.
import collections
import json
import os
import sys
import traceback
import types

sys.dont_write_bytecode = True
sys.path.insert(0, os.getcwd())
out = sys.stdout
sys.stdout = sys.stderr  # what extensions print must not break the protocol


def send(message):
    out.write(json.dumps(message) + "\n")
    out.flush()


def fail(message):
    send({"error": message})
    sys.exit(0)


try:
    import jinja2
    import jinja2.ext
    from jinja2.utils import _PassArg
except ImportError:
    fail("the template's extensions are Jinja2 code, and this Python has no jinja2 (pip install jinja2)")

try:
    import cookiecutter.utils  # noqa: F401
except ImportError:
    # What `from cookiecutter.utils import simple_filter` needs, as cookiecutter defines it.
    def simple_filter(filter_function):
        class SimpleFilterExtension(jinja2.ext.Extension):
            def __init__(self, environment):
                super().__init__(environment)
                environment.filters[filter_function.__name__] = filter_function

        SimpleFilterExtension.__name__ = filter_function.__name__
        return SimpleFilterExtension

    package = types.ModuleType("cookiecutter")
    package.__path__ = []
    utils = types.ModuleType("cookiecutter.utils")
    utils.simple_filter = simple_filter
    package.utils = utils
    sys.modules.setdefault("cookiecutter", package)
    sys.modules.setdefault("cookiecutter.utils", utils)


def decode(value):
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        if "__tuple__" in value:
            return tuple(decode(v) for v in value["__tuple__"])
        if "__float__" in value:
            return float(value["__float__"])
        pairs = [(decode(k), decode(v)) for k, v in value.get("__dict__", value.get("__ordered__", []))]
        return collections.OrderedDict(pairs) if "__ordered__" in value else dict(pairs)
    return value


def encode(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else {"__float__": repr(value)}
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, collections.OrderedDict):
        return {"__ordered__": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, dict):
        return {"__dict__": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, (set, frozenset, types.GeneratorType, range)):
        return [encode(v) for v in value]
    # Anything else reaches the template as Python prints it.
    return str(value)


env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
baseline = {kind: dict(getattr(env, kind)) for kind in ("filters", "tests", "globals")}
request = json.loads(sys.stdin.readline())
for name in request["load"]:
    try:
        env.add_extension(name)
    except Exception as error:  # noqa: BLE001 - the template's own code
        fail("cannot load the extension `%s`: %s: %s" % (name, type(error).__name__, error))
tags = sorted({tag for ext in env.extensions.values() for tag in getattr(ext, "tags", ()) or ()})
if tags:
    fail("the extensions define new tags (%s), which stamp cannot parse" % ", ".join(tags))


def added(kind):
    return {
        name: item
        for name, item in getattr(env, kind).items()
        if name not in baseline[kind] or baseline[kind][name] is not item
    }


offered = {kind: added(kind) for kind in ("filters", "tests", "globals")}
send({
    "filters": sorted(offered["filters"]),
    "tests": sorted(offered["tests"]),
    "callables": sorted(n for n, v in offered["globals"].items() if callable(v)),
    "values": {n: encode(v) for n, v in offered["globals"].items() if not callable(v)},
    # Only these are sent the render context with each call.
    "contextual": sorted(
        n for kind in offered.values() for n, v in kind.items() if _PassArg.from_obj(v) is _PassArg.context
    ),
})

for line in sys.stdin:
    call = json.loads(line)
    function = offered[call["kind"]][call["name"]]
    args = [decode(a) for a in call["args"]]
    kwargs = {k: decode(v) for k, v in call["kwargs"].items()}
    passed = _PassArg.from_obj(function)
    if passed is _PassArg.context:
        args.insert(0, env.from_string("").new_context(decode(call["context"])))
    elif passed is _PassArg.eval_context:
        args.insert(0, jinja2.nodes.EvalContext(env))
    elif passed is _PassArg.environment:
        args.insert(0, env)
    try:
        send({"ok": encode(function(*args, **kwargs))})
    except Exception as error:  # noqa: BLE001 - the template's own code
        send({"error": "%s: %s" % (type(error).__name__, error)})
