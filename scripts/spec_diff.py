#!/usr/bin/env python3
"""Compare the spec fragment with a SailPoint spec file: `make spec-diff UPSTREAM=file`.

The fragment (`spec/sim-integrations.v2025.yaml`) holds seven operations and the schemas they use. The
upstream file may be SailPoint's full v2025 bundle (hundreds of operations: only ours count), a subset of
it, or a per-resource spec whose paths are `/sim-integrations/v1...` and whose operationIds end in `V1`.
Operations are matched by method and normalized path (version segments such as `/v2025` or `/v1` dropped,
path parameter names ignored), falling back to the operationId without its version suffix.

For every matched operation the script compares parameters, request body, responses and every schema they
reach (local `$ref`s resolved and `allOf` flattened on both sides), and prints what upstream added,
removed or changed relative to the fragment.

Settled differences: the fragment carries `x-settled: <reason>` wherever it deliberately differs from
upstream. A difference is settled when such a marker sits on the differing fragment node or on one of its
ancestors in the compared structure (schema -> property -> nested property, response -> header ...). The
document root is the ancestor only of what the fragment declares at the root: the effective `security` of
operations that do not declare their own. It is not an ancestor of every operation, otherwise a single
root marker would silence the whole report. The markers are read from the fragment; this script keeps no
list of exceptions.

Exit status: 0 when every difference is settled (or there are none), 1 when some are not, 2 on usage
errors or unreadable input.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FRAGMENT = ROOT / "spec" / "sim-integrations.v2025.yaml"

EXIT_OK = 0
EXIT_UNSETTLED = 1
EXIT_USAGE = 2

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
SETTLED_KEY = "x-settled"

# A path segment that only names an API version: `/v2025/...` (bundle servers), `/sim-integrations/v1`
# (per-resource specs), `/beta/...`. Dropping them lets the same operation match across spec layouts.
_VERSION_SEGMENT = re.compile(r"^(v\d+|beta)$", re.IGNORECASE)
# Per-resource specs suffix operationIds with the resource version: getSIMIntegrationsV1.
_OPERATION_ID_VERSION = re.compile(r"V\d+$")


class SpecDiffError(Exception):
    """A spec file cannot be read or does not have the shape of an OpenAPI document."""


class _Absent:
    """Marks a keyword that a schema does not declare (distinct from an explicit null)."""

    def __repr__(self) -> str:
        return "(none)"


ABSENT = _Absent()


@dataclass(frozen=True)
class Settled:
    """An `x-settled` marker of the fragment: its reason and where it sits (a readable location)."""

    reason: str
    at: str


@dataclass(frozen=True)
class Difference:
    """One difference between the fragment and upstream.

    `kind` is "added" (upstream has it, the fragment does not), "removed" (the fragment has it, upstream
    does not) or "changed". `subject` groups the output (an operation or a top-level schema), `where` is
    the readable path of the differing node and `what` says what differs.
    """

    kind: str
    subject: str
    where: str
    what: str
    settled: Settled | None = field(default=None, compare=False)


class Document:
    """A loaded OpenAPI document that resolves local `$ref`s."""

    def __init__(self, data: Mapping[str, Any], label: str) -> None:
        self.data = data
        self.label = label

    def resolve(self, node: Any) -> tuple[Any, str | None, Settled | None]:
        """Follow `$ref` chains from `node`.

        Returns the target, the component name of the last reference followed (None for inline nodes)
        and an `x-settled` marker written on the referring node itself (allowed for our purposes even
        though OpenAPI 3.0 ignores `$ref` siblings).
        """
        name: str | None = None
        settled: Settled | None = None
        seen: set[str] = set()
        while isinstance(node, Mapping) and "$ref" in node:
            ref = node["$ref"]
            if settled is None and isinstance(node.get(SETTLED_KEY), str):
                settled = Settled(node[SETTLED_KEY], str(ref))
            if not isinstance(ref, str) or not ref.startswith("#/"):
                raise SpecDiffError(f"{self.label}: only local references are supported, found $ref {ref!r}")
            if ref in seen:
                raise SpecDiffError(f"{self.label}: $ref cycle at {ref}")
            seen.add(ref)
            node = self._pointer(ref)
            name = ref.rsplit("/", 1)[-1]
        return node, name, settled

    def _pointer(self, ref: str) -> Any:
        target: Any = self.data
        for raw in ref[2:].split("/"):
            part = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(target, Mapping) and part in target:
                target = target[part]
            elif isinstance(target, list) and part.isdigit() and int(part) < len(target):
                target = target[int(part)]
            else:
                raise SpecDiffError(f"{self.label}: unresolvable $ref {ref}")
        return target


def load_document(path: Path, label: str) -> Document:
    """Read a YAML or JSON spec with a plain loader (no validation: upstream files do not validate)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecDiffError(f"cannot read {label} {str(path)!r}: {exc.__class__.__name__}: {exc}") from None
    try:
        if text.lstrip().startswith("{"):
            data = json.loads(text)  # a JSON bundle; PyYAML (YAML 1.1) misreads some valid JSON
        else:
            # The full v2025 bundle is megabytes of YAML: libyaml's loader, when present, is much faster.
            data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, ValueError) as exc:
        raise SpecDiffError(f"{label} {str(path)!r} is not valid YAML/JSON: {exc}") from None
    if not isinstance(data, Mapping) or not isinstance(data.get("paths"), Mapping):
        raise SpecDiffError(f"{label} {str(path)!r} is not an OpenAPI document (no `paths` mapping)")
    return Document(data, label)


# ---------------------------------------------------------------------------------------------------
# Operations


@dataclass
class Operation:
    """One operation of a document, with its path item (for path-level parameters and markers)."""

    method: str
    path: str
    node: Mapping[str, Any]
    path_item: Mapping[str, Any]

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def key(self) -> tuple[str, str]:
        return self.method, normalize_path(self.path)

    @property
    def operation_id(self) -> str | None:
        value = self.node.get("operationId")
        return normalize_operation_id(value) if isinstance(value, str) else None

    @property
    def tags(self) -> set[str]:
        tags = self.node.get("tags")
        return {t for t in tags if isinstance(t, str)} if isinstance(tags, list) else set()


def normalize_path(path: str) -> str:
    """`/v2025/sim-integrations/{id}` and `/sim-integrations/v1/{integrationId}` -> `/sim-integrations/{}`."""
    segments = [s for s in path.split("/") if s and not _VERSION_SEGMENT.match(s)]
    return "/" + "/".join("{}" if s.startswith("{") and s.endswith("}") else s for s in segments)


def normalize_operation_id(operation_id: str) -> str:
    """`getSIMIntegrationsV1` -> `getsimintegrations`."""
    return _OPERATION_ID_VERSION.sub("", operation_id).lower()


def operations(doc: Document) -> list[Operation]:
    """Every operation of the document, in document order."""
    found: list[Operation] = []
    for path, raw_item in doc.data["paths"].items():
        item, _, _ = doc.resolve(raw_item)
        if not isinstance(item, Mapping):
            continue
        for method in HTTP_METHODS:
            node = item.get(method)
            if isinstance(node, Mapping):
                found.append(Operation(method, str(path), node, item))
    return found


@dataclass
class _Param:
    """A resolved parameter, its nearest `x-settled` marker (fragment side) and its spelled name."""

    node: Mapping[str, Any]
    settled: Settled | None
    name: str


@dataclass
class Match:
    """A fragment operation and its upstream counterpart (None when upstream lacks it)."""

    fragment: Operation
    upstream: Operation | None
    by: str  # "path", "operationId" or "" when unmatched


def match_operations(frag: Document, up: Document) -> tuple[list[Match], list[Operation]]:
    """Pair the fragment's operations with upstream's; also return upstream operations that look like ours
    (same tag or same first path segment) but have no fragment counterpart: those were added upstream."""
    frag_ops = operations(frag)
    up_ops = operations(up)
    by_key = {op.key: op for op in up_ops}
    by_id = {op.operation_id: op for op in up_ops if op.operation_id}
    matches: list[Match] = []
    used: set[int] = set()
    for op in frag_ops:
        candidate = by_key.get(op.key)
        how = "path"
        if candidate is None and op.operation_id:
            candidate = by_id.get(op.operation_id)
            how = "operationId"
        if candidate is not None and id(candidate) not in used:
            used.add(id(candidate))
            matches.append(Match(op, candidate, how))
        else:
            matches.append(Match(op, None, ""))
    # Which upstream operations are "ours": a full bundle has hundreds of others, which must not count.
    our_tags = set().union(*(op.tags for op in frag_ops)) if frag_ops else set()
    our_roots = {normalize_path(op.path).split("/")[1] for op in frag_ops}
    added = [
        op
        for op in up_ops
        if id(op) not in used and (op.tags & our_tags or normalize_path(op.path).split("/")[1] in our_roots)
    ]
    return matches, added


# ---------------------------------------------------------------------------------------------------
# Schemas


@dataclass
class Flat:
    """A schema with `$ref`s resolved and `allOf` merged, reduced to what the comparison looks at."""

    name: str | None = None
    settled: Settled | None = None
    type: str | None = None
    format: Any = ABSENT
    nullable: bool = False
    read_only: bool = False
    deprecated: bool = False
    default: Any = ABSENT
    enum: list[Any] | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    items: Any = None
    combinator: str | None = None  # "oneOf" or "anyOf"
    alternatives: list[Any] = field(default_factory=list)
    identity: int = 0  # id() of the resolved node, for cycle detection


def flatten(doc: Document, node: Any, where: str, depth: int = 0) -> Flat:
    """Resolve and flatten one schema node (allOf parts merged: properties, required, keywords)."""
    if depth > 50:
        raise SpecDiffError(f"{doc.label}: allOf nesting too deep at {where}")
    target, name, ref_settled = doc.resolve(node)
    flat = Flat(name=name, identity=id(target))
    if not isinstance(target, Mapping):
        # `true`/`{}`-like schemas and junk: treat as "any value"; nothing further to compare.
        return flat
    own_settled = target.get(SETTLED_KEY)
    # A marker on a named schema is reported where it is written (the schema), not where it was reached.
    at = f"schema {name}" if name else where
    flat.settled = ref_settled or (Settled(own_settled, at) if isinstance(own_settled, str) else None)

    parts: list[Flat] = []
    all_of = target.get("allOf")
    if isinstance(all_of, list):
        parts = [flatten(doc, part, where, depth + 1) for part in all_of]

    declared = target.get("type")
    if isinstance(declared, list):  # OpenAPI 3.1: type: [string, "null"]
        kinds = [str(t) for t in declared if t != "null"]
        flat.nullable = "null" in declared
        declared = kinds[0] if len(kinds) == 1 else ("|".join(kinds) or None)
    flat.type = declared if isinstance(declared, str) else None
    flat.format = target.get("format", ABSENT)
    flat.nullable = flat.nullable or target.get("nullable") is True
    flat.read_only = target.get("readOnly") is True
    flat.deprecated = target.get("deprecated") is True
    flat.default = target.get("default", ABSENT)
    enum = target.get("enum")
    flat.enum = list(enum) if isinstance(enum, list) else None
    props = target.get("properties")
    flat.properties = dict(props) if isinstance(props, Mapping) else {}
    req = target.get("required")
    flat.required = {r for r in req if isinstance(r, str)} if isinstance(req, list) else set()
    flat.items = target.get("items")
    for combinator in ("oneOf", "anyOf"):
        alternatives = target.get(combinator)
        if isinstance(alternatives, list):
            flat.combinator, flat.alternatives = combinator, list(alternatives)
            break

    # Merge allOf parts: the node's own keywords win; properties and required accumulate.
    for part in parts:
        flat.settled = flat.settled or part.settled
        flat.type = flat.type or part.type
        flat.format = part.format if flat.format is ABSENT else flat.format
        flat.nullable = flat.nullable or part.nullable
        flat.read_only = flat.read_only or part.read_only
        flat.deprecated = flat.deprecated or part.deprecated
        flat.default = part.default if flat.default is ABSENT else flat.default
        flat.enum = flat.enum if flat.enum is not None else part.enum
        for prop, schema in part.properties.items():
            flat.properties.setdefault(prop, schema)
        flat.required |= part.required
        flat.items = flat.items if flat.items is not None else part.items
        if flat.combinator is None and part.combinator is not None:
            flat.combinator, flat.alternatives = part.combinator, part.alternatives
        if len(parts) == 1 and flat.name is None:
            flat.name = part.name  # `allOf: [$ref: X]` is a way of writing X

    # Generators infer the type from the keywords; so does the comparison, to avoid noise.
    if flat.type is None and flat.combinator is None:
        if flat.properties:
            flat.type = "object"
        elif flat.items is not None:
            flat.type = "array"
    return flat


def type_summary(doc: Document, flat: Flat, where: str, depth: int = 0) -> str:
    """A readable type: `string`, `array<string>`, `oneOf[object | string]`, `any`."""
    if flat.combinator:
        if depth > 3:
            return flat.combinator
        alts = sorted(type_summary(doc, flatten(doc, a, where), where, depth + 1) for a in flat.alternatives)
        return f"{flat.combinator}[{' | '.join(alts)}]"
    if flat.type == "array" and flat.items is not None and depth > 0:
        return f"array<{type_summary(doc, flatten(doc, flat.items, where), where, depth + 1)}>"
    if flat.enum is not None and depth > 0:  # inside a union, tell `DtoType` from a plain string
        return f"{flat.type or 'any'}(enum)"
    return flat.type or "any"


def show(value: Any) -> str:
    """A value as JSON, so that `true` (boolean) and `"true"` (string) read differently."""
    if value is ABSENT:
        return "(none)"
    try:
        return json.dumps(value, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return repr(value)


# ---------------------------------------------------------------------------------------------------
# The comparison


class Comparer:
    """Walks the fragment and upstream side by side and collects differences."""

    def __init__(self, frag: Document, up: Document) -> None:
        self.frag = frag
        self.up = up
        self.differences: list[Difference] = []
        self._seen: set[Difference] = set()
        self._done_roots: set[tuple[int, int, Settled | None, bool]] = set()

    def add(self, kind: str, subject: str, where: str, what: str, settled: Settled | None) -> None:
        difference = Difference(kind, subject, where, what, settled)
        if difference not in self._seen:  # the same schema is reached from several operations
            self._seen.add(difference)
            self.differences.append(difference)

    # -- operations --------------------------------------------------------------------------------

    def compare_all(self, matches: Sequence[Match], added: Sequence[Operation]) -> None:
        # An operation upstream added has no node in the fragment; its nearest fragment ancestor is the
        # path item of the same (normalized) path, if the fragment has one.
        frag_items = {
            normalize_path(str(path)): (str(path), item) for path, item in self.frag.data["paths"].items()
        }
        for op in added:
            frag_path, frag_item = frag_items.get(normalize_path(op.path), ("", None))
            settled = _marker(frag_item, frag_path)
            self.add(
                "added", op.label, op.label, f"operation {op.node.get('operationId', '')}".rstrip(), settled
            )
        for match in matches:
            if match.upstream is None:
                f = match.fragment
                settled = _marker(f.node, f.label) or _marker(f.path_item, f.path)
                self.add("removed", f.label, f.label, "operation (upstream does not have it)", settled)
            else:
                self.compare_operation(match.fragment, match.upstream)

    def compare_operation(self, f: Operation, u: Operation) -> None:
        subject = f.label
        settled = _marker(f.path_item, f.path)
        settled = _marker(f.node, subject) or settled
        self.compare_security(f, u, subject, settled)
        self.compare_parameters(f, u, subject, settled)
        self.compare_request_body(f, u, subject, settled)
        self.compare_responses(f, u, subject, settled)

    def compare_security(self, f: Operation, u: Operation, subject: str, settled: Settled | None) -> None:
        # The effective requirement: the operation's own, else the document's. When the fragment's comes
        # from the root, the root is the fragment node that differs, so the root's marker applies.
        if "security" in f.node:
            f_sec, anchor = f.node["security"], settled
        else:
            f_sec, anchor = self.frag.data.get("security"), _marker(self.frag.data, "document root")
        u_sec = u.node["security"] if "security" in u.node else self.up.data.get("security")
        if _security_summary(f_sec) != _security_summary(u_sec):
            what = f"fragment {_security_summary(f_sec)}, upstream {_security_summary(u_sec)}"
            self.add("changed", subject, f"{subject} security", what, anchor)

    def compare_parameters(self, f: Operation, u: Operation, subject: str, settled: Settled | None) -> None:
        f_params = self._parameters(self.frag, f)
        u_params = self._parameters(self.up, u)
        for key in _ordered_union(f_params, u_params):
            name = (f_params.get(key) or u_params[key]).name
            where = f"{subject} {key[0]} parameter {name}"
            if key not in f_params:
                req = " (required)" if u_params[key].node.get("required") is True else ""
                self.add("added", subject, where, f"parameter{req}", settled)
                continue
            f_param, here = f_params[key].node, f_params[key].settled or settled
            if key not in u_params:
                self.add("removed", subject, where, "parameter", here)
                continue
            u_param = u_params[key].node
            f_req, u_req = f_param.get("required") is True, u_param.get("required") is True
            if f_req != u_req:
                self.add(
                    "changed",
                    subject,
                    where,
                    f"required: fragment {_yes(f_req)}, upstream {_yes(u_req)}",
                    here,
                )
            if "schema" in f_param or "schema" in u_param:
                self.compare_schema(f_param.get("schema"), u_param.get("schema"), where, subject, here)

    def _parameters(self, doc: Document, op: Operation) -> dict[tuple[str, str], _Param]:
        """Path-level then operation-level parameters (the latter override), keyed by (in, name).

        Header names are compared case-insensitively. Path parameters are keyed by their position in the
        path, because layouts name them differently (`{id}` here, `{integrationId}` elsewhere).
        """
        positions = re.findall(r"\{([^}]+)\}", op.path)
        result: dict[tuple[str, str], _Param] = {}
        for raw in [*_as_list(op.path_item.get("parameters")), *_as_list(op.node.get("parameters"))]:
            param, _, ref_settled = doc.resolve(raw)
            if not isinstance(param, Mapping) or "name" not in param or "in" not in param:
                raise SpecDiffError(f"{doc.label}: malformed parameter in {op.label}")
            location, name = str(param["in"]), str(param["name"])
            key_name = name.lower() if location == "header" else name
            if location == "path" and name in positions:
                key_name = f"#{positions.index(name) + 1}"
            settled = ref_settled or _marker(param, f"{op.label} parameter {name}")
            result[(location, key_name)] = _Param(param, settled, name)
        return result

    def compare_request_body(self, f: Operation, u: Operation, subject: str, settled: Settled | None) -> None:
        where = f"{subject} request"
        f_body, _, f_ref_settled = self.frag.resolve(f.node.get("requestBody"))
        u_body, _, _ = self.up.resolve(u.node.get("requestBody"))
        if f_body is None and u_body is None:
            return
        if f_body is None:
            self.add("added", subject, where, "request body", settled)
            return
        here = f_ref_settled or _marker(f_body, where) or settled
        if u_body is None:
            self.add("removed", subject, where, "request body", here)
            return
        f_req, u_req = f_body.get("required") is True, u_body.get("required") is True
        if f_req != u_req:
            self.add(
                "changed", subject, where, f"required: fragment {_yes(f_req)}, upstream {_yes(u_req)}", here
            )
        self.compare_content(f_body.get("content"), u_body.get("content"), where, subject, here)

    def compare_responses(self, f: Operation, u: Operation, subject: str, settled: Settled | None) -> None:
        f_resps, u_resps = f.node.get("responses"), u.node.get("responses")
        f_map = {str(k): v for k, v in f_resps.items()} if isinstance(f_resps, Mapping) else {}
        u_map = {str(k): v for k, v in u_resps.items()} if isinstance(u_resps, Mapping) else {}
        for code in _ordered_union(f_map, u_map):
            where = f"{subject} response {code}"
            if code not in f_map:
                self.add("added", subject, where, "response", settled)
                continue
            f_resp, _, f_ref_settled = self.frag.resolve(f_map[code])
            here = f_ref_settled or _marker(f_resp, where) or settled
            if code not in u_map:
                self.add("removed", subject, where, "response", here)
                continue
            u_resp, _, _ = self.up.resolve(u_map[code])
            if not isinstance(f_resp, Mapping) or not isinstance(u_resp, Mapping):
                continue
            self.compare_headers(f_resp.get("headers"), u_resp.get("headers"), where, subject, here)
            self.compare_content(f_resp.get("content"), u_resp.get("content"), where, subject, here)

    def compare_headers(
        self, f_raw: Any, u_raw: Any, where: str, subject: str, settled: Settled | None
    ) -> None:
        f_headers = (
            {str(k).lower(): (str(k), v) for k, v in (f_raw or {}).items()}
            if isinstance(f_raw, Mapping) or f_raw is None
            else {}
        )
        u_headers = (
            {str(k).lower(): (str(k), v) for k, v in (u_raw or {}).items()}
            if isinstance(u_raw, Mapping) or u_raw is None
            else {}
        )
        for key in _ordered_union(f_headers, u_headers):
            name = (f_headers.get(key) or u_headers[key])[0]
            here_where = f"{where} header {name}"
            if key not in f_headers:
                self.add("added", subject, here_where, "header", settled)
                continue
            f_header, _, f_ref_settled = self.frag.resolve(f_headers[key][1])
            here = f_ref_settled or _marker(f_header, here_where) or settled
            if key not in u_headers:
                self.add("removed", subject, here_where, "header", here)
                continue
            u_header, _, _ = self.up.resolve(u_headers[key][1])
            if isinstance(f_header, Mapping) and isinstance(u_header, Mapping):
                self.compare_schema(f_header.get("schema"), u_header.get("schema"), here_where, subject, here)

    def compare_content(
        self, f_raw: Any, u_raw: Any, where: str, subject: str, settled: Settled | None
    ) -> None:
        f_content = f_raw if isinstance(f_raw, Mapping) else {}
        u_content = u_raw if isinstance(u_raw, Mapping) else {}
        for media in _ordered_union(f_content, u_content):
            here_where = f"{where} {media}"
            if media not in f_content:
                self.add("added", subject, here_where, "content type", settled)
                continue
            f_media = f_content[media] if isinstance(f_content[media], Mapping) else {}
            here = _marker(f_media, here_where) or settled
            if media not in u_content:
                self.add("removed", subject, here_where, "content type", here)
                continue
            u_media = u_content[media] if isinstance(u_content[media], Mapping) else {}
            if "schema" in f_media or "schema" in u_media:
                self.compare_root_schema(
                    f_media.get("schema"), u_media.get("schema"), here_where, subject, here
                )

    # -- schemas -----------------------------------------------------------------------------------

    def compare_root_schema(
        self,
        f_node: Any,
        u_node: Any,
        where: str,
        subject: str,
        settled: Settled | None,
        alternative: bool = False,
    ) -> None:
        """A schema used by an operation. A named fragment schema becomes its own group, so that a schema
        used by six operations is reported once, under its name; arrays of a named schema and a oneOf
        whose alternative matches upstream lead to that name too."""
        f_flat = flatten(self.frag, f_node, where)
        if f_flat.name is not None:
            key = (f_flat.identity, id(self.up.resolve(u_node)[0]), settled, alternative)
            if key in self._done_roots:
                return
            self._done_roots.add(key)
            self.compare_schema(
                f_node, u_node, f_flat.name, f"schema {f_flat.name}", settled, alternative=alternative
            )
            return
        u_flat = flatten(self.up, u_node, where)
        here = f_flat.settled or settled
        plain = f_flat.combinator is None and u_flat.combinator is None
        if (
            plain
            and f_flat.type == u_flat.type == "array"
            and f_flat.items is not None
            and u_flat.items is not None
        ):
            # `type: array, items: {$ref: X}`: the array itself here, the items under X's name.
            self.compare_keywords(f_flat, u_flat, where, subject, here, alternative=alternative)
            self.compare_root_schema(f_flat.items, u_flat.items, f"{where}[]", subject, here)
            return
        if (f_flat.combinator is None) != (u_flat.combinator is None):
            pairs = self._pairs(f_node, u_node, f_flat, u_flat)
            if pairs:
                self.compare_keywords(
                    f_flat, u_flat, where, subject, here, alternative=alternative, one_sided=True
                )
                for f_alt, u_alt in pairs:
                    self.compare_root_schema(f_alt, u_alt, where, subject, here, alternative=True)
                return
        self.compare_schema(f_node, u_node, where, subject, settled, alternative=alternative)

    def compare_schema(
        self,
        f_node: Any,
        u_node: Any,
        where: str,
        subject: str,
        settled: Settled | None,
        stack: tuple[tuple[int, int], ...] = (),
        alternative: bool = False,
    ) -> None:
        """Compare two schemas recursively: keywords, properties, array items and oneOf/anyOf alternatives.

        `alternative` is set when one side is an alternative picked from the other side's oneOf/anyOf:
        the keywords that belong to the whole union (nullable, readOnly, deprecated, default) were
        compared at the union already.
        """
        f = flatten(self.frag, f_node, where)
        u = flatten(self.up, u_node, where)
        pair = (f.identity, u.identity)
        if pair in stack:  # recursive schemas: this pair is being compared further up
            return
        stack = (*stack, pair)
        here = f.settled or settled
        one_sided = (f.combinator is None) != (u.combinator is None)
        self.compare_keywords(f, u, where, subject, here, alternative=alternative, one_sided=one_sided)
        if not one_sided:
            self._compare_structure(f, u, where, subject, here, stack)
        for f_alt, u_alt in self._pairs(f_node, u_node, f, u):
            self.compare_schema(f_alt, u_alt, where, subject, here, stack, alternative=one_sided)

    def _compare_structure(
        self,
        f: Flat,
        u: Flat,
        where: str,
        subject: str,
        here: Settled | None,
        stack: tuple[tuple[int, int], ...],
    ) -> None:
        # Properties: presence, required, then each one recursively.
        for prop in _ordered_union(f.properties, u.properties):
            prop_where = f"{where}.{prop}"
            if prop not in f.properties:
                u_prop = flatten(self.up, u.properties[prop], prop_where)
                req = ", required" if prop in u.required else ""
                what = f"field ({type_summary(self.up, u_prop, prop_where)}{req})"
                self.add("added", subject, prop_where, what, here)
                continue
            f_prop = flatten(self.frag, f.properties[prop], prop_where)
            prop_settled = f_prop.settled or here
            if prop not in u.properties:
                req = ", required" if prop in f.required else ""
                what = f"field ({type_summary(self.frag, f_prop, prop_where)}{req})"
                self.add("removed", subject, prop_where, what, prop_settled)
                continue
            f_req, u_req = prop in f.required, prop in u.required
            if f_req != u_req:
                what = f"required: fragment {_yes(f_req)}, upstream {_yes(u_req)}"
                self.add("changed", subject, prop_where, what, prop_settled)
            self.compare_schema(f.properties[prop], u.properties[prop], prop_where, subject, here, stack)

        # Array items.
        if f.items is not None and u.items is not None:
            self.compare_schema(f.items, u.items, f"{where}[]", subject, here, stack)
        elif f.items is not None or u.items is not None:
            kind = "added" if u.items is not None else "removed"
            self.add(kind, subject, f"{where}[]", "array items schema", here)

    def _pairs(self, f_node: Any, u_node: Any, f: Flat, u: Flat) -> list[tuple[Any, Any]]:
        """oneOf/anyOf: alternatives of the same type, paired. When only one side is a union, the other
        side is paired with the union's alternative of its type (preferring one that agrees on having
        an enum), so `oneOf[Patch | array]` vs `Patch` still compares the two Patch shapes."""
        if f.combinator and u.combinator:
            f_alts = [flatten(self.frag, a, "") for a in f.alternatives]
            u_alts = [flatten(self.up, a, "") for a in u.alternatives]
            pairs: list[tuple[Any, Any]] = []
            taken: set[int] = set()
            for i, fa in enumerate(f_alts):
                candidates = [j for j, ua in enumerate(u_alts) if j not in taken and _base(fa) == _base(ua)]
                if candidates:
                    j = _prefer_enum(candidates, [u_alts[c] for c in candidates], fa)
                    taken.add(j)
                    pairs.append((f.alternatives[i], u.alternatives[j]))
            return pairs
        if f.combinator:
            f_alts = [flatten(self.frag, a, "") for a in f.alternatives]
            candidates = [i for i, fa in enumerate(f_alts) if _base(fa) == _base(u)]
            if candidates:
                return [
                    (f.alternatives[_prefer_enum(candidates, [f_alts[c] for c in candidates], u)], u_node)
                ]
        if u.combinator:
            u_alts = [flatten(self.up, a, "") for a in u.alternatives]
            candidates = [j for j, ua in enumerate(u_alts) if _base(ua) == _base(f)]
            if candidates:
                return [
                    (f_node, u.alternatives[_prefer_enum(candidates, [u_alts[c] for c in candidates], f)])
                ]
        return []

    def compare_keywords(
        self,
        f: Flat,
        u: Flat,
        where: str,
        subject: str,
        settled: Settled | None,
        alternative: bool = False,
        one_sided: bool = False,
    ) -> None:
        """The keywords of one schema node: type, format, nullable, readOnly, deprecated, default, enum.

        With `alternative`, the union-wide keywords are skipped (compared at the union); with
        `one_sided` (a union against a plain schema), enums are left to the paired alternative.
        """
        f_type, u_type = type_summary(self.frag, f, where), type_summary(self.up, u, where)
        if f_type != u_type:
            self.add("changed", subject, where, f"type: fragment {f_type}, upstream {u_type}", settled)
        checks: list[tuple[str, Any, Any]] = [("format", f.format, u.format)]
        if not alternative:
            checks += [
                ("nullable", f.nullable, u.nullable),
                ("readOnly", f.read_only, u.read_only),
                ("deprecated", f.deprecated, u.deprecated),
                ("default", f.default, u.default),
            ]
        for keyword, f_value, u_value in checks:
            if not _same(f_value, u_value):
                self.add(
                    "changed",
                    subject,
                    where,
                    f"{keyword}: fragment {show(f_value)}, upstream {show(u_value)}",
                    settled,
                )
        f_enum, u_enum = f.enum, u.enum
        if one_sided or (f_enum is None and u_enum is None):
            return
        if f_enum is None or u_enum is None:
            what = "enum: fragment " + ("(open)" if f_enum is None else _values(f_enum))
            what += ", upstream " + ("(open)" if u_enum is None else _values(u_enum))
            self.add("changed", subject, where, what, settled)
            return
        added = [v for v in u_enum if not any(_same(v, w) for w in f_enum)]
        removed = [v for v in f_enum if not any(_same(v, w) for w in u_enum)]
        if added:
            self.add("added", subject, where, f"enum values {_values(added)}", settled)
        if removed:
            self.add("removed", subject, where, f"enum values {_values(removed)}", settled)


def _marker(node: Any, at: str) -> Settled | None:
    if isinstance(node, Mapping) and isinstance(node.get(SETTLED_KEY), str):
        return Settled(node[SETTLED_KEY], at)
    return None


def _security_summary(security: Any) -> str:
    if not isinstance(security, list) or not security:
        return "(none)"
    alternatives = []
    for requirement in security:
        if isinstance(requirement, Mapping):
            parts = [
                f"{name}[{', '.join(sorted(map(str, scopes or [])))}]"
                for name, scopes in sorted(requirement.items())
            ]
            alternatives.append(" + ".join(parts) or "(anonymous)")
    return " or ".join(sorted(alternatives))


def _prefer_enum(indexes: list[int], flats: list[Flat], other: Flat) -> int:
    for index, flat in zip(indexes, flats, strict=True):
        if (flat.enum is None) == (other.enum is None):
            return index
    return indexes[0]


def _base(flat: Flat) -> str:
    return flat.combinator or flat.type or "any"


def _same(a: Any, b: Any) -> bool:
    # `True == 1` in Python; a boolean default must not equal an integer one (or "true").
    return type(a) is type(b) and a == b


def _values(values: Sequence[Any]) -> str:
    return ", ".join(show(v) for v in values)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def _ordered_union(first: Mapping[Any, Any], second: Mapping[Any, Any]) -> Iterator[Any]:
    yield from first
    yield from (k for k in second if k not in first)


# ---------------------------------------------------------------------------------------------------
# Report


_KIND_ORDER = {"added": 0, "removed": 1, "changed": 2}
_KIND_MARK = {"added": "+", "removed": "-", "changed": "~"}


def render(
    differences: Sequence[Difference],
    matches: Sequence[Match],
    frag_path: Path,
    up_path: Path,
    width: int = 100,
    only_unsettled: bool = False,
) -> str:
    """The human-readable report (settled differences left out with `only_unsettled`, counted still)."""
    lines = [
        f"spec-diff: fragment {frag_path}",
        f"       vs upstream {up_path}",
        "",
        "Operations:",
    ]
    for match in matches:
        if match.upstream is None:
            lines.append(f"  {match.fragment.label:<50} not found upstream")
        else:
            lines.append(f"  {match.fragment.label:<50} = {match.upstream.label} (matched by {match.by})")
    lines.append("")
    if not differences:
        lines.append("No differences.")
        return "\n".join(lines) + "\n"
    lines.append("Legend: + added upstream   - removed upstream (only the fragment has it)   ~ changed")
    groups: dict[str, list[Difference]] = {}
    # Operations first (fragment order), then the named schemas in the order they were reached.
    for difference in sorted(differences, key=lambda d: d.subject.startswith("schema ")):
        if not (only_unsettled and difference.settled is not None):
            groups.setdefault(difference.subject, []).append(difference)
    explained: set[Settled] = set()
    for subject, items in groups.items():
        lines += ["", subject]
        unsettled = [d for d in items if d.settled is None]
        if unsettled:
            lines.append("  NOT SETTLED:")
            lines += [line for d in _sorted(unsettled) for line in _line(d, width)]
        by_marker: dict[Settled, list[Difference]] = {}
        for d in items:
            if d.settled is not None:
                by_marker.setdefault(d.settled, []).append(d)
        for marker, marked in by_marker.items():
            # A marker that settles differences in several operations (the document root) gives its
            # reason once, where it first applies; later operations point back to it.
            if marker in explained:
                header = f"settled on purpose (x-settled at {marker.at}; reason given above)"
            else:
                explained.add(marker)
                header = f"settled on purpose (x-settled at {marker.at}): {' '.join(marker.reason.split())}"
            lines += textwrap.wrap(
                header, width=width, initial_indent="  ", subsequent_indent="      ", break_on_hyphens=False
            )
            lines += [line for d in _sorted(marked) for line in _line(d, width)]
    settled_count = sum(1 for d in differences if d.settled is not None)
    unsettled_count = len(differences) - settled_count
    lines += [
        "",
        f"{len(differences)} difference(s): {settled_count} settled on purpose, {unsettled_count} not settled.",
    ]
    if unsettled_count:
        lines.append("Settle each one: align the fragment with upstream, or mark it `x-settled: <reason>`.")
    return "\n".join(lines) + "\n"


def _sorted(items: Sequence[Difference]) -> list[Difference]:
    return sorted(items, key=lambda d: (_KIND_ORDER[d.kind], d.where))


def _line(d: Difference, width: int) -> list[str]:
    text = f"{_KIND_MARK[d.kind]} {d.where}: {d.what}"
    return textwrap.wrap(
        text, width=width, initial_indent="    ", subsequent_indent="        ", break_on_hyphens=False
    )


def diff(frag: Document, up: Document) -> tuple[list[Difference], list[Match]]:
    """Every difference between the fragment's operations (and their schemas) and upstream."""
    matches, added = match_operations(frag, up)
    comparer = Comparer(frag, up)
    comparer.compare_all(matches, added)
    return comparer.differences, matches


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="spec_diff.py",
        description="Compare the spec fragment's SIM operations and schemas with a SailPoint spec file.",
    )
    parser.add_argument("upstream", help="SailPoint spec: full v2025 bundle, a subset or a per-resource spec")
    parser.add_argument(
        "--fragment",
        type=Path,
        default=DEFAULT_FRAGMENT,
        help=f"fragment to compare (default: {DEFAULT_FRAGMENT})",
    )
    parser.add_argument(
        "--only-unsettled", action="store_true", help="list only the differences no x-settled marker covers"
    )
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    if not args.upstream:
        print(
            "spec-diff: no upstream file given (make spec-diff UPSTREAM=path/to/spec.yaml)", file=sys.stderr
        )
        return EXIT_USAGE
    up_path = Path(args.upstream)
    try:
        frag = load_document(args.fragment, "fragment")
        up = load_document(up_path, "upstream spec")
        differences, matches = diff(frag, up)
    except SpecDiffError as exc:
        print(f"spec-diff: {exc}", file=sys.stderr)
        return EXIT_USAGE
    sys.stdout.write(render(differences, matches, args.fragment, up_path, only_unsettled=args.only_unsettled))
    return EXIT_UNSETTLED if any(d.settled is None for d in differences) else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
