"""A static scan of the UI code: which texts handed to Markdown-rendering elements could
hold user text that did not pass plain() (or t(), which escapes the values it formats).

A text is safe when it is built only from literals, t(...), plain(...), numbers, dates
formatted by i18n.fmt_*, and names, loop variables, parameters and functions of the UI
code that are themselves built that way. Anything else (a database value, a query
parameter, i18n.t(...), a call into the core) is reported with its file and line.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from dumas.config import ROOT

UI_FILES = (
    *sorted((ROOT / "dumas" / "ui").rglob("*.py")),
    *sorted((ROOT / "pages").glob("*.py")),
    ROOT / "app.py",
)
# Streamlit elements whose text (first argument, body=, label=) is rendered as Markdown.
BODY = frozenset({
    "markdown", "write", "caption", "info", "warning", "error", "success", "toast", "title",
    "header", "subheader", "badge", "expander", "popover", "status", "metric", "tabs",
    "button", "download_button", "link_button", "form_submit_button", "page_link",
    "checkbox", "toggle", "radio", "segmented_control", "pills", "text_input", "text_area",
    "number_input", "selectbox", "multiselect", "select_slider", "slider", "date_input",
    "time_input", "file_uploader", "color_picker", "camera_input", "audio_input", "spinner",
    "progress",
})  # fmt: skip
LABEL_ONLY = frozenset({"page_link", "progress"})  # the first argument is not text
OPTIONS = frozenset({"radio", "segmented_control", "pills"})  # their options are Markdown too
SAFE_CALLS = frozenset({"t", "plain", "len", "int", "round", "sum", "min", "max", "abs"})
SAFE_CONSTANTS = frozenset({"i18n.MISSING"})
SESSION = "st.session_state"


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text}"


@cache
def _tree(path: Path) -> ast.Module:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            child.parent = node  # type: ignore[attr-defined]
    return tree


def _functions(files: tuple[Path, ...]) -> dict[str, list[tuple[Path, ast.FunctionDef]]]:
    found: dict[str, list[tuple[Path, ast.FunctionDef]]] = {}
    for path in files:
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.FunctionDef):
                found.setdefault(node.name, []).append((path, node))
    return found


def _scope(node: ast.AST) -> ast.AST:
    """The function (or module) whose names `node` reads."""
    while not isinstance(node, ast.FunctionDef | ast.Module):
        node = node.parent  # type: ignore[attr-defined]
    return node


def _own_nodes(scope: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a scope, without those of the functions defined inside it."""
    for child in ast.iter_child_nodes(scope):
        if not isinstance(child, ast.FunctionDef):
            yield child
            yield from _own_nodes(child)


class Scan:
    def __init__(self, files: tuple[Path, ...] = UI_FILES) -> None:
        self.files = files
        self.functions = _functions(files)
        self._checking: set[int] = set()

    # Where a name gets its values

    def _values(self, name: str, scope: ast.AST) -> list[ast.AST | None]:
        """Every expression `name` is bound to in `scope` (None: unknown)."""
        values: list[ast.AST | None] = []
        for node in _own_nodes(scope):
            if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign | ast.NamedExpr):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    values += self._bind(target, name, node.value)
            elif isinstance(node, ast.For | ast.comprehension):
                for path, _ in _paths(node.target, name):
                    values += [_part(e, path) for e in self._elements(node.iter, scope)]
        if isinstance(scope, ast.FunctionDef) and name in _all_parameters(scope):
            values += self._arguments(scope, name)
        return values

    def _bind(self, target: ast.AST, name: str, value: ast.AST | None) -> list[ast.AST | None]:
        return [_part(value, path) for path, _ in _paths(target, name)]

    def _elements(self, iterable: ast.AST, scope: ast.AST) -> list[ast.AST | None]:
        """The items an iterable yields, as far as the code shows them."""
        scope = _scope(iterable) if hasattr(iterable, "parent") else scope
        if isinstance(iterable, ast.List | ast.Tuple | ast.Set):
            found: list[ast.AST | None] = []
            for element in iterable.elts:
                starred = isinstance(element, ast.Starred)
                found += self._elements(element.value, scope) if starred else [element]
            return found
        if isinstance(iterable, ast.ListComp | ast.GeneratorExp):
            return [iterable.elt]
        if isinstance(iterable, ast.BoolOp):  # one of several iterables
            return [e for v in iterable.values for e in self._elements(v, scope)]
        if isinstance(iterable, ast.Name):
            found = []
            for value in self._values(iterable.id, scope):
                found += [None] if value is None else self._elements(value, scope)
            for call in _own_nodes(scope):  # items.append(x), items.extend(xs)
                if _method_of(call, iterable.id) == "append":
                    found.append(call.args[0])
                elif _method_of(call, iterable.id) == "extend":
                    found += self._elements(call.args[0], scope)
            return found
        if isinstance(iterable, ast.Call) and _name(iterable.func) == "zip":
            columns = [self._elements(a, scope) for a in iterable.args]
            return [ast.Tuple(elts=[_any(c) for c in columns])]
        if isinstance(iterable, ast.Call) and _quotes(iterable):
            return [ast.Constant(value="")]
        return [None]

    def _arguments(self, function: ast.FunctionDef, name: str) -> list[ast.AST | None]:
        """What the UI code passes for a parameter, or its default (None: cannot be told)."""
        positional = _parameters(function)
        position = positional.index(name) if name in positional else None
        passed: list[ast.AST | None] = []
        for path in self.files:
            for call in ast.walk(_tree(path)):
                if not isinstance(call, ast.Call) or _name(call.func) != function.name:
                    continue
                if any(isinstance(a, ast.Starred) for a in call.args) or any(
                    k.arg is None for k in call.keywords
                ):
                    passed.append(None)  # f(*args) or f(**kwargs)
                    continue
                keyword = [k.value for k in call.keywords if k.arg == name]
                args = [] if position is None else call.args[position : position + 1]
                passed += keyword or args or [_default(function, name)]
        return passed or [None]

    def _session(self, key: ast.AST | None) -> list[ast.AST | None]:
        """Everything the UI code stores in st.session_state[key] (None: cannot be told)."""
        wanted = self._constant(key)
        if wanted is None:
            return [None]
        stored: list[ast.AST | None] = []
        for path in self.files:
            for node in ast.walk(_tree(path)):
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if _is_session_slot(target) and self._constant(target.slice) == wanted:
                            stored.append(node.value)
        return stored or [None]

    def _constant(self, node: ast.AST | None) -> str | None:
        """The string a session key expression names (a literal or a module constant)."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            module = _scope(node)
            while not isinstance(module, ast.Module):
                module = _scope(module.parent)  # type: ignore[attr-defined]
            values = self._values(node.id, module)
            if len(values) == 1:
                return self._constant(values[0])
        return None

    # Whether an expression can hold unescaped user text

    def safe(self, node: ast.AST | None, scope: ast.AST) -> bool:
        if node is None:
            return False
        key = id(node)
        if key in self._checking:  # a cycle: judged by its other paths
            return True
        self._checking.add(key)
        try:  # a node read from the code is judged where it stands
            return self._safe(node, _scope(node) if hasattr(node, "parent") else scope)
        finally:
            self._checking.discard(key)

    def _safe(self, node: ast.AST, scope: ast.AST) -> bool:
        s = lambda n: self.safe(n, scope)  # noqa: E731
        if isinstance(node, ast.Constant) or ast.unparse(node) in SAFE_CONSTANTS:
            return True
        if isinstance(node, ast.JoinedStr):
            return all(s(v.value) for v in node.values if isinstance(v, ast.FormattedValue))
        if isinstance(node, ast.BinOp):
            return s(node.left) and s(node.right)
        if isinstance(node, ast.BoolOp):
            return all(map(s, node.values))
        if isinstance(node, ast.IfExp):
            return s(node.body) and s(node.orelse)
        if isinstance(node, ast.List | ast.Tuple):
            return all(map(s, node.elts))
        if isinstance(node, ast.ListComp | ast.GeneratorExp):
            return s(node.elt)
        if isinstance(node, ast.Lambda):
            return s(node.body)
        if isinstance(node, ast.Name):
            values = self._values(node.id, scope)
            return bool(values) and all(map(s, values))
        if isinstance(node, ast.Call):
            return self._safe_call(node, scope)
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Dict):
            return all(map(s, node.value.values))  # {"id": "Bahasa Indonesia", ...}[code]
        if _is_session_slot(node):
            return all(map(s, self._session(node.slice)))
        return False  # attributes, subscripts, anything read from data

    def _safe_call(self, call: ast.Call, scope: ast.AST) -> bool:
        func = call.func
        if (isinstance(func, ast.Name) and func.id in SAFE_CALLS) or _quotes(call):
            return True
        if ast.unparse(func).startswith("i18n.fmt_"):  # numbers and dates (not i18n.t)
            return True
        if _method_of(call, SESSION) in ("get", "pop"):  # st.session_state.pop("flash", None)
            stored = self._session(call.args[0])
            return all(self.safe(v, scope) for v in [*stored, *call.args[1:]])
        if _name(func) == "next" and call.args and isinstance(call.args[0], ast.Call):
            inner = call.args[0]  # next(iter(items), default)
            if _name(inner.func) == "iter" and inner.args:
                items = self._elements(inner.args[0], scope)
                return all(self.safe(e, scope) for e in [*items, *call.args[1:]])
        if isinstance(func, ast.Attribute) and func.attr == "join":
            return self.safe(func.value, scope) and all(
                self.safe(e, scope) for a in call.args for e in self._elements(a, scope)
            )
        if isinstance(func, ast.Name) and func.id in self.functions:
            returns = [
                r.value
                for _, f in self.functions[func.id]
                for r in ast.walk(f)
                if isinstance(r, ast.Return) and _scope(r) is f
            ]
            return bool(returns) and all(self.safe(r, _scope(r)) for r in returns)
        return False


def _name(func: ast.AST) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


def _method_of(node: ast.AST, receiver: str) -> str | None:
    """`append` for items.append(x) when `receiver` is "items" (and it has an argument)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
        return node.func.attr if ast.unparse(node.func.value) == receiver else None
    return None


def _is_session_slot(node: ast.AST) -> bool:
    return isinstance(node, ast.Subscript) and ast.unparse(node.value) == SESSION


def _default(function: ast.FunctionDef, name: str) -> ast.AST:
    """A parameter's default value (None when it has none: the call must pass it)."""
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    defaults = dict(zip([a.arg for a in positional][::-1], args.defaults[::-1], strict=False))
    keyword = zip(args.kwonlyargs, args.kw_defaults, strict=True)
    defaults.update((a.arg, d) for a, d in keyword if d)
    return defaults.get(name, ast.Constant(value=None))


def _quotes(call: ast.Call) -> bool:
    """A call into the core that puts each value into its messages with quote=plain."""
    return any(k.arg == "quote" and _name(k.value) == "plain" for k in call.keywords)


def _parameters(function: ast.FunctionDef) -> list[str]:
    return [a.arg for a in (*function.args.posonlyargs, *function.args.args)]


def _all_parameters(function: ast.FunctionDef) -> list[str]:
    return [*_parameters(function), *(a.arg for a in function.args.kwonlyargs)]


def _paths(target: ast.AST, name: str, path: tuple[int, ...] = ()) -> list[tuple[tuple, str]]:
    """Where `name` sits in an assignment target: () itself, (1, 0) in `a, (b, c)`."""
    if isinstance(target, ast.Name):
        return [(path, name)] if target.id == name else []
    if isinstance(target, ast.Tuple | ast.List):
        found = []
        for index, element in enumerate(target.elts):
            if isinstance(element, ast.Starred):
                element, index = element.value, -1 - index  # the rest, from `index` on
            found += [(p, n) for p, n in _paths(element, name, (*path, index))]
        return found
    return []


def _part(value: ast.AST | None, path: tuple[int, ...]) -> ast.AST | None:
    """The expression at `path` inside a tuple expression (None when it cannot be told)."""
    for position, index in enumerate(path):
        if isinstance(value, ast.BoolOp):  # one of several: each is looked into
            return _any([_part(v, path[position:]) for v in value.values])
        if not isinstance(value, ast.Tuple | ast.List):
            return None
        if index < 0:  # a starred name: the elements from -1 - index on, as a list
            value = ast.List(elts=value.elts[-1 - index :])
            continue
        if index >= len(value.elts):
            return None
        value = value.elts[index]
    return value


def _any(values: list[ast.AST | None]) -> ast.AST | None:
    """One expression standing for several (safe only if all are)."""
    if any(v is None for v in values):
        return None
    return ast.BoolOp(op=ast.Or(), values=list(values))


def _texts(call: ast.Call, sinks: dict[str, str]) -> Iterator[ast.AST]:
    """The arguments of a call that Streamlit renders as Markdown (help= on any element,
    st.column_config's included: a tooltip is Markdown)."""
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    if "help" in keywords:
        yield keywords["help"]
    kind = sinks.get(_name(call.func) or "")
    if kind is None:
        return
    if kind not in LABEL_ONLY and call.args:
        yield call.args[0]
    yield from (keywords[k] for k in ("body", "label", "text") if k in keywords)
    if kind in OPTIONS:  # options shown through format_func, or as they are
        options = keywords.get("options", call.args[1] if len(call.args) > 1 else None)
        shown = keywords.get("format_func", options)
        yield from (shown,) if shown is not None else ()
        yield from (keywords[k] for k in ("captions",) if k in keywords)


def _modules(tree: ast.Module) -> set[str]:
    """Names bound to imported modules (sections.header(...) is not st.header)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names.update(alias.asname or alias.name.split(".")[0] for alias in node.names)
    return names - {"st"}


def _sinks(scope: ast.AST) -> dict[str, str]:
    """Element names, and local names bound to an element (`box = st.error`)."""
    sinks = {name: name for name in BODY}
    for node in _own_nodes(scope):
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            values = [node.value]
            if isinstance(node.value, ast.IfExp):
                values = [node.value.body, node.value.orelse]
            for value in values:
                if isinstance(value, ast.Attribute) and value.attr in BODY:
                    sinks[node.targets[0].id] = value.attr
    return sinks


def unsafe_texts(files: tuple[Path, ...] = UI_FILES, root: Path = ROOT) -> list[Finding]:
    """Every Markdown text in the UI code that could carry unescaped user text."""
    scan, findings = Scan(files), []
    for path in files:
        modules = _modules(_tree(path))
        for call in ast.walk(_tree(path)):
            if not isinstance(call, ast.Call):
                continue
            receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
            if isinstance(receiver, ast.Name) and receiver.id in modules:
                continue
            scope = _scope(call)
            for text in _texts(call, _sinks(scope)):
                if not scan.safe(text, scope):
                    where = str(path.relative_to(root))
                    findings.append(Finding(where, text.lineno, ast.unparse(text)[:90]))
    return findings
