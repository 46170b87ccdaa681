"""The seal: static checks on a query's text before anything evaluates it, in linear time.

* read-only: update forms (INSERT, DELETE, LOAD, CLEAR, DROP, …) are refused (:class:`UpdateRefused`);
* no federation: any ``SERVICE`` keyword as Oxigraph's grammar reads it is refused
  (:class:`ServiceDisabled`), ``SILENT`` and variable endpoints included. Oxigraph matches keywords
  case-insensitively with no word boundary, so ``SERVICE:x {…}`` and ``SERVICEex:y {…}`` are SERVICE
  followed by a name; the tokenizer below refuses every name or word whose prefix holds ``SERVICE`` when a
  group follows it. This is the first of two layers: the evaluator processes cannot open a connection
  anyway (:mod:`regenkg.sparql.worker`);
* ``FROM``/``FROM NAMED`` and the protocol's ``default-graph-uri``/``named-graph-uri`` name graphs in the
  store only (Oxigraph never fetches them; unknown names give an empty graph);
* cost before parsing: more than :data:`MAX_TOKENS` tokens, :data:`MAX_OPERATORS` operators (``!``,
  ``||``, ``/``, ``|``, ``^``, OPTIONAL, UNION, …) or :data:`MAX_NESTING` levels of brackets are refused
  (:class:`QueryTooComplex`): Oxigraph's recursive-descent parser overflows its stack (a segfault) on
  ~9,500 chained operators or a few thousand brackets.

The tokenizer follows the SPARQL 1.1 terminals that can hide a keyword (comments, IRIs, strings,
variables, prefixed names, language tags). ``<`` starts an IRI except right after an operand inside an
expression, where it is the less-than operator (``FILTER(?n<(3)&&(?n>1))``). Where it could disagree with
the grammar it errs towards seeing more keywords, i.e. towards refusing a query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import QueryError
from .formats import Kind

__all__ = [
    "MAX_NESTING",
    "MAX_OPERATORS",
    "MAX_TOKENS",
    "SIMILARITY",
    "QueryInfo",
    "QueryTooComplex",
    "ServiceDisabled",
    "SparqlSyntaxError",
    "UpdateRefused",
    "inspect_query",
]

SIMILARITY = "https://w3id.org/regenkg/ontology#similarity"
MAX_NESTING = 30
MAX_TOKENS = 20_000
MAX_OPERATORS = 2_000


class SparqlSyntaxError(QueryError):
    """The query text is not valid SPARQL 1.1 (HTTP 400); the message has line:column when known."""


class UpdateRefused(QueryError):
    """A SPARQL Update was sent; the endpoint is read-only (400 as a query, 403 on the update route)."""


class ServiceDisabled(QueryError):
    """The query uses ``SERVICE``; federation is disabled (HTTP 400)."""


class QueryTooComplex(QueryError):
    """The query is over a parse-cost cap: nesting, tokens or operators (HTTP 400)."""


_TOKEN = re.compile(
    r"""
     (?P<ws>\s+)
    |(?P<comment>\#[^\n\r]*)
    |(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    |(?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
                |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
    |(?P<var>[?$][\w\u00B7\u0300-\u036F\u203F\u2040]+)
    |(?P<lang>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)
    |(?P<pname>(?:[^\W\d_][\w\-.]*)?:(?:[\w:\-.\u00B7\u0300-\u036F\u203F\u2040]|%[0-9A-Fa-f]{2}
                |\\[_~.\-!$&'()*+,;=/?\#@%])*)
    |(?P<word>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)
    |(?P<open>[{(\[])
    |(?P<close>[})\]])
    |(?P<op>&&|\|\||!=|<=|>=|\^\^|[!=<>+\-*/|^])
    |(?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
# `<` at such a position is not an IRI: it can only be an operator (checked with the IRI alternative off).
_TOKEN_NO_IRI = re.compile(_TOKEN.pattern.replace("(?P<iri>", "(?P<iri>(?!)"), re.VERBOSE | re.DOTALL)
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
_FORMS = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "graph", "DESCRIBE": "graph"}
_OPERATOR_WORDS = {"OPTIONAL", "UNION", "MINUS", "FILTER", "BIND", "GRAPH", "EXISTS", "SERVICE", "VALUES"}
_OPERAND_END = {"var", "string", "number", "iri", "pname", "lang"}
_STRING_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


@dataclass(frozen=True)
class QueryInfo:
    """What the static checks learnt about a query."""

    kind: Kind
    has_dataset: bool  # FROM / FROM NAMED present
    depth: int
    # For a top-level ``SELECT *``: variables in order of first appearance (Oxigraph sorts them).
    star_order: tuple[str, ...] | None = None
    # One triple pattern and nothing else (no paths, filters, ORDER BY, groups, FROM): its cost is one
    # index scan that stops at the row cap, so it may run in the HTTP process.
    single_pattern: bool = False
    # Calls of rkg:similarity found in the token stream: their constant texts, and whether any call has a
    # text that is not a string literal (then the evaluator needs the embedding model itself).
    similarity_texts: tuple[str, ...] = ()
    similarity_dynamic: bool = False

    @property
    def uses_similarity(self) -> bool:
        """Whether the query calls ``rkg:similarity`` (a call, not the word in a comment or string)."""
        return bool(self.similarity_texts) or self.similarity_dynamic


def _unescape_codepoints(text: str) -> str:
    # SPARQL 1.1 §19.2 lets \u/\U hex escapes stand for any character before parsing (Oxigraph undoes them
    # first too), so "\u0053ERVICE" cannot slip past the keyword check.
    def replace(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"

    return _UCHAR.sub(replace, text)


def _tokens(text: str) -> list[tuple[str, str, int]]:
    """Significant tokens ``(group, text, offset)``; linear: one regex step per token, capped."""
    tokens: list[tuple[str, str, int]] = []
    # For each open bracket: is it an expression's parenthesis (FILTER(…), a call, (… AS ?v))?
    brackets: list[bool] = []
    at, n = 0, len(text)
    operators = 0
    while at < n:
        prev = tokens[-1] if tokens else None
        in_expression = bool(brackets) and brackets[-1]
        pattern = _TOKEN
        if text[at] == "<" and in_expression and prev is not None and (
            prev[0] in _OPERAND_END or prev[1] == ")" or (prev[0] == "word" and prev[1].lower() in ("true", "false"))
        ):
            pattern = _TOKEN_NO_IRI
        match = pattern.match(text, at)
        assert match is not None  # the `other` alternative matches any character
        at = match.end()
        group = match.lastgroup or "other"
        if group in ("ws", "comment"):
            continue
        value = match.group()
        if group == "open":
            if len(brackets) >= MAX_NESTING:
                raise QueryTooComplex(
                    f"query is too deeply nested (more than {MAX_NESTING} levels of {{}}, () or [])"
                )
            brackets.append(value == "(" and prev is not None and (
                in_expression or prev[0] == "op" or (prev[0] == "word" and prev[1].lower() != "a")))
        elif group == "close" and brackets:
            brackets.pop()
        if group == "op" or (group == "word" and value.upper() in _OPERATOR_WORDS):
            operators += 1
            if operators > MAX_OPERATORS:
                raise QueryTooComplex(
                    f"query has more than {MAX_OPERATORS} operators (!, ||, /, |, ^, OPTIONAL, UNION, …)"
                )
        tokens.append((group, value, match.start()))
        if len(tokens) > MAX_TOKENS:
            raise QueryTooComplex(f"query has more than {MAX_TOKENS} tokens")
    return tokens


def inspect_query(query: str) -> QueryInfo:
    """Check a query's text against the sealing rules and classify it.

    Raises:
        UpdateRefused: the text is a SPARQL Update.
        ServiceDisabled: the text contains a ``SERVICE`` keyword.
        QueryTooComplex: over :data:`MAX_NESTING`, :data:`MAX_TOKENS` or :data:`MAX_OPERATORS`.
        SparqlSyntaxError: the text is empty, has unbalanced brackets or no query form.

    >>> inspect_query('PREFIX s: <http://x/> SELECT * { ?s s:SERVICE "SERVICE" } # SERVICE').kind
    'select'
    """
    text = _unescape_codepoints(query)
    tokens = _tokens(text)
    depth = max_depth = 0
    words: list[str] = []
    first_word_at = -1
    variables: dict[str, None] = {}
    star: bool | None = None  # None until the first SELECT's projection is seen
    for group, value, offset in tokens:
        if star is None and words and words[-1] in ("SELECT", "DISTINCT", "REDUCED") and not (
            group == "word" and value.upper() in ("DISTINCT", "REDUCED")
        ):
            star = value == "*"
        if group == "var":
            variables.setdefault(value[1:], None)
        elif group == "word":
            words.append(value.upper())
            if first_word_at < 0 and words[-1] not in ("PREFIX", "BASE"):
                first_word_at = offset
        elif group == "open":
            depth += 1
            if depth > max_depth:
                max_depth = depth
                if max_depth > MAX_NESTING:
                    raise QueryTooComplex(
                        f"query is too deeply nested (more than {MAX_NESTING} levels of {{}}, () or [])"
                    )
        elif group == "close":
            depth -= 1
            if depth < 0:
                raise SparqlSyntaxError(_position(text, offset, f"unbalanced {value!r}"))
    if "SERVICE" in words or _glued_service(tokens):
        raise ServiceDisabled("SERVICE is disabled: this endpoint does not federate queries")
    form = next((w for w in words if w in _FORMS or w in _UPDATE_WORDS), None)
    if form in _UPDATE_WORDS:
        raise UpdateRefused("SPARQL Update is not allowed: this endpoint is read-only")
    if form is None:
        where = _position(text, first_word_at, "") if first_word_at >= 0 else " at the end"
        raise SparqlSyntaxError(f"not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE{where}")
    if depth != 0:
        raise SparqlSyntaxError(f"unbalanced brackets: {depth} left open at the end of the query")
    texts, dynamic = _similarity_calls(tokens)
    return QueryInfo(
        kind=_FORMS[form],  # type: ignore[arg-type]
        has_dataset="FROM" in words,
        depth=max_depth,
        star_order=tuple(variables) if star else None,
        single_pattern=_single_pattern(tokens),
        similarity_texts=texts,
        similarity_dynamic=dynamic,
    )


def _glued_service(tokens: list[tuple[str, str, int]]) -> bool:
    """A ``SERVICE`` keyword glued to what follows it, as Oxigraph's grammar reads it.

    Oxigraph matches keywords case-insensitively and needs no space after them, so ``SERVICE:x {…}``,
    ``service:x {…}`` and ``SERVICEex:y {…}`` are SERVICE followed by a prefixed name, though a lexer sees
    one prefixed name. A word or name whose prefix holds ``SERVICE`` and that a group ``{`` follows, directly
    or after what could be ``SILENT`` and an endpoint, is refused; ``PREFIX service: <…>`` and
    ``?s service:p ?o . { … }`` stay allowed (a verb is never read as a keyword).
    """
    def endpoint(at: int) -> bool:
        return at < len(tokens) and tokens[at][0] in ("iri", "pname", "var")

    def group_at(at: int) -> bool:
        return at < len(tokens) and tokens[at][1] == "{"

    def silent(at: int) -> bool:
        return at < len(tokens) and tokens[at][0] in ("word", "pname") and tokens[at][1].upper().startswith("SILENT")

    for at, (group, value, _) in enumerate(tokens):
        if group in ("word", "pname") and "SERVICE" in value.split(":", 1)[0].upper() and (
            group_at(at + 1)  # SERVICE:x {  SERVICEex:y {  SERVICESILENT:x {
            or ((endpoint(at + 1) or silent(at + 1)) and group_at(at + 2))  # serviceSILENT ?v {
            or (silent(at + 1) and endpoint(at + 2) and group_at(at + 3))
        ):
            return True
    return False


def _prefixes(tokens: list[tuple[str, str, int]]) -> dict[str, str]:
    found = {}
    for at in range(len(tokens) - 2):
        if (tokens[at][0] == "word" and tokens[at][1].upper() == "PREFIX" and tokens[at + 1][0] == "pname"
                and tokens[at + 2][0] == "iri"):
            found[tokens[at + 1][1].split(":", 1)[0]] = tokens[at + 2][1][1:-1]
    return found


def _string_value(token: str) -> str:
    body = token[3:-3] if token[:3] in ('"""', "'''") else token[1:-1]
    return re.sub(r"\\(.)", lambda m: _STRING_ESCAPES.get(m.group(1), m.group(1)), body)


def _similarity_calls(tokens: list[tuple[str, str, int]]) -> tuple[tuple[str, ...], bool]:
    """Constant texts of ``rkg:similarity(?s, "text")`` calls, and whether a call has another argument."""
    prefixes = _prefixes(tokens)
    texts: list[str] = []
    dynamic = False
    for at, (group, value, _) in enumerate(tokens):
        if group == "iri":
            name = value[1:-1]
        elif group == "pname":
            prefix, _, local = value.partition(":")
            name = prefixes.get(prefix, "\0") + local
        else:
            continue
        if name != SIMILARITY or at + 1 >= len(tokens) or tokens[at + 1][1] != "(":
            continue
        # "(" arg1 "," text ")" with a plain string literal as text; anything else is decided at run time.
        call = tokens[at + 2 : at + 6]
        if len(call) == 4 and call[1][1] == "," and call[2][0] == "string" and call[3][1] == ")":
            texts.append(_string_value(call[2][1]))
        else:
            dynamic = True
    return tuple(dict.fromkeys(texts)), dynamic


def _single_pattern(tokens: list[tuple[str, str, int]]) -> bool:
    """``[PREFIX…] SELECT [DISTINCT] ?v… [WHERE] { s p o [.] } [LIMIT n] [OFFSET n]`` or ``ASK { s p o }``.

    Deliberately narrow: anything else (a second pattern, ``;``/``,``, brackets, paths, ``^^``, numbers
    in the pattern, ORDER BY, FROM, GRAPH, …) is not a single pattern. No SERVICE can hide in it: the only
    group is the outer one.
    """
    i, n = 0, len(tokens)

    def word(at: int) -> str:
        return tokens[at][1].upper() if at < n and tokens[at][0] == "word" else ""

    while word(i) in ("PREFIX", "BASE"):
        i += 1 if word(i) == "BASE" else 2
        if i >= n or tokens[i][0] != "iri":
            return False
        i += 1
    if word(i) == "SELECT":
        i += 1
        if word(i) in ("DISTINCT", "REDUCED"):
            i += 1
        if i < n and tokens[i][1] == "*":
            i += 1
        else:
            start = i
            while i < n and tokens[i][0] == "var":
                i += 1
            if i == start:
                return False
    elif word(i) == "ASK":
        i += 1
    else:
        return False
    if word(i) == "WHERE":
        i += 1
    if i >= n or tokens[i][1] != "{":
        return False
    i += 1
    terms = 0
    while i < n and terms < 3:
        group, value, _ = tokens[i]
        if group in ("iri", "pname", "var") or (group == "word" and value == "a" and terms == 1):
            i += 1
        elif group == "string":
            i += 1
            if i < n and tokens[i][0] == "lang":
                i += 1
        else:
            return False
        terms += 1
    if terms != 3:
        return False
    if i < n and tokens[i][1] == ".":
        i += 1
    if i >= n or tokens[i][1] != "}":
        return False
    i += 1
    while word(i) in ("LIMIT", "OFFSET"):
        i += 1
        if i >= n or tokens[i][0] != "number" or not tokens[i][1].isdigit():
            return False
        i += 1
    return i == n


def _position(text: str, offset: int, message: str) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"{message} at line {line}, column {column}"
