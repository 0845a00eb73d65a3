"""YAML for configs: safe, YAML 1.2 floats, and a bound on what aliases may expand to.

Public API: :func:`parse_yaml` and :data:`MAX_YAML_NODES`. No tag that builds a Python
object is accepted (``yaml.SafeLoader``); ``1e-3`` is a float as YAML 1.2 says (PyYAML's
YAML 1.1 reads it as a string); a document whose aliases would expand to more than
:data:`MAX_YAML_NODES` values (an alias bomb: a few hundred bytes that expand to billions
of values) is refused before anything is built, and so is a recursive alias.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from mimml_edu.errors import ConfigError

#: The most values a YAML document may hold once its aliases are expanded.
MAX_YAML_NODES = 100_000


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def parse_yaml(text: str, *, where: str = "config") -> Any:
    """Safe YAML (no tags that build Python objects) with YAML 1.2 floats (``1e-3``) and
    a bound on alias expansion (:data:`MAX_YAML_NODES`).

    Raises:
        ConfigError: not valid YAML, an alias bomb, a recursive alias, or nesting too deep.
    """
    import yaml

    loader = None
    try:
        loader = _loader_class()(text)
        node = loader.get_single_node()
        if node is None:
            return None
        try:
            size = _expanded_size(node, {})
        except ConfigError as err:
            raise ConfigError(f"{where}: {err}") from None
        if size > MAX_YAML_NODES:
            raise ConfigError(
                f"{where}: YAML aliases expand to more than {MAX_YAML_NODES} values "
                "(an alias bomb?); write the values out"
            )
        return loader.construct_document(node)
    except yaml.YAMLError as err:
        raise ConfigError(f"{where}: not valid YAML: {_cut(str(err), 300)}") from None
    except RecursionError:
        raise ConfigError(f"{where}: YAML nested too deeply or a recursive alias") from None
    finally:
        if loader is not None:
            loader.dispose()


def _yaml_loader():
    import yaml

    class Loader(yaml.SafeLoader):
        """SafeLoader with YAML 1.2's float syntax (``1e-3`` is a float)."""

    Loader.yaml_implicit_resolvers = {
        k: [r for r in v if r[0] != "tag:yaml.org,2002:float"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(
            r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
            |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
            |\.[0-9_]+(?:[eE][-+]?[0-9]+)?
            |[-+]?\.(?:inf|Inf|INF)
            |\.(?:nan|NaN|NAN))$""",
            re.X,
        ),
        list("-+0123456789."),
    )
    return Loader


@functools.cache
def _loader_class():
    return _yaml_loader()


def _expanded_size(node, memo: dict) -> int:
    """How many values a YAML node holds with every alias expanded (memoised per node,
    so a bomb is counted in linear time)."""
    import yaml

    key = id(node)
    if key in memo:
        if memo[key] is None:
            raise ConfigError("a recursive YAML alias (a value that contains itself)")
        return memo[key]
    memo[key] = None
    if isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_expanded_size(child, memo) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        size = 1 + sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    else:
        size = 1
    memo[key] = min(size, MAX_YAML_NODES + 1)
    return memo[key]
