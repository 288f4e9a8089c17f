#!/usr/bin/env python3
"""Independent implementation of DESIGN.md sections 2-5 and 9 for `vtcode-errors analyze --format json`.

Written from /work/shared/DESIGN.md only (without reading the project's src/), Python 3.11
standard library only.  It prints the section 5 JSON object:

    python3 scripts/oracle.py PATH... [--since ISO] [--until ISO] [--now ISO] [--top N] [--provider ID]...

Choices made where DESIGN.md is silent are marked "CHOICE:" below.  The main ones, in one place:
- skipped reasons: "invalid JSON", "no usable timestamp", "not an object" (only the last is fixed
  by DESIGN.md); a sample's `file` is the path as given, joined with the path found by the walk.
- framing: a line is a record when it parses alone; otherwise, when it starts with { or [, the
  lines up to where the brackets balance are one pretty-printed document if (and only if) that
  text parses; any other line is skipped on its own.  A line holding an array yields its elements.
- walk: per-directory sort by name (code point order), files and directories interleaved;
  symbolic links skipped; extensions matched case-sensitively; multi-member gzip read whole.
- time: the first time alias present decides; ISO also with "," before the fraction, t/z in
  lower case, no seconds or no time; numbers are exact decimals (sub-ms digits truncated); the
  result never depends on the machine's time zone.
- HTTP status: from status_code, status, http_status (top level, then `fields`), else the first
  `http NNN` in a message field (a trajectory's `last_error` is its message), never from a body.
- provider codes (issue 13): the providers' own billing, throttling and error codes extend the
  marker lists (the same tables as formats/markers.json); with no status, a provider's client-error
  code is a client_error (rule 4b); an error inside a 200 stream whose body is cut short or is not
  JSON (nor SSE `data:` events of JSON) is a parse_error (rule 5), not a server_error (rule 7).
- rule 0: the innermost status is searched in the body first, then in each message field; an
  error object's status is its `code` or `status` when an integer (or 3-digit string) in
  100..599; a string holds JSON when it parses whole, or from its first "{" to its last "}";
  OpenRouter's `error.metadata.raw`, `error.message` and `message` are followed, and arrays.
- events: an `event` field naming one of the five wins; then the phrases in the order DESIGN.md
  lists them (retry, recovered, failed / final_error, fallback).  A `final_error` field alone
  makes the record about an error (it is an event).
- a session archive is any object with a list `error_logs` and an object `metadata`; its
  metadata provider and model win over an entry's own; llm_retry_metrics lines are read as
  trajectory lines wherever they are, other `kind`s are ignored in `trajectory*` files only.
- provider of a fallback row with no provider field: inferred like any other (target, host,
  model, else unknown), not taken from `primary`.
- sorting of names and messages: code point order (SQLite's and UTF-8's byte order).
"""
from __future__ import annotations

import argparse
import datetime as _dt
import gzip
import json
import os
import re
import sys
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction
from typing import Any, Iterable, Iterator

# ---------------------------------------------------------------------------------------------
# Constants from DESIGN.md
# ---------------------------------------------------------------------------------------------

PROVIDER_IDS = (
    "gemini openai anthropic copilot deepseek meta openrouter ollama ollama-cloud lmstudio llamacpp "
    "moonshot zai minimax mimo mistral huggingface opencode-zen opencode-go qwen stepfun evolink "
    "poolside xai nvidia merge-gateway"
).split()


def _label_key(s: str) -> str:
    return re.sub(r"[^a-z0-9]", "", s.lower())


# CHOICE: a display label matches an id when, lower-cased with every non-alphanumeric character
# removed, it equals the id so reduced ("Z.AI" -> zai, "LM Studio" -> lmstudio, "Hugging Face" ->
# huggingface, "OpenCode Zen" -> opencode-zen, "llama.cpp" -> llamacpp).  A few labels that do
# not reduce that way are listed explicitly.
LABELS: dict[str, str] = {_label_key(p): p for p in PROVIDER_IDS}
LABELS.update({
    "githubcopilot": "copilot",
    "moonshotai": "moonshot",
    "mergegateway": "merge-gateway",
})

HOSTS: list[tuple[str, str]] = [
    ("api.openai.com", "openai"),
    ("api.anthropic.com", "anthropic"),
    ("generativelanguage.googleapis.com", "gemini"),
    ("aiplatform.googleapis.com", "gemini"),
    ("api.deepseek.com", "deepseek"),
    ("openrouter.ai", "openrouter"),
    ("api.x.ai", "xai"),
    ("api.mistral.ai", "mistral"),
    ("api.moonshot.ai", "moonshot"),
    ("api.moonshot.cn", "moonshot"),
    ("api.z.ai", "zai"),
    ("open.bigmodel.cn", "zai"),
    ("api.minimax", "minimax"),
    ("dashscope", "qwen"),
    ("integrate.api.nvidia.com", "nvidia"),
    ("huggingface.co", "huggingface"),
]
# CHOICE: ports are recognised as ":11434" / ":1234" not followed by another digit.
PORTS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r":11434(?!\d)"), "ollama"),
    (re.compile(r":1234(?!\d)"), "lmstudio"),
]

# Model prefixes (matched on the lower-cased part after the last "/").
MODEL_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^gemini-"), "gemini"),
    (re.compile(r"^claude-"), "anthropic"),
    (re.compile(r"^gpt-"), "openai"),
    (re.compile(r"^o[134](?:$|[-_.:])"), "openai"),  # CHOICE: o1 / o3 / o4 alone or followed by a separator
    (re.compile(r"^deepseek-"), "deepseek"),
    (re.compile(r"^grok-"), "xai"),
    (re.compile(r"^kimi-"), "moonshot"),
    (re.compile(r"^moonshot-"), "moonshot"),
    (re.compile(r"^glm-"), "zai"),
    (re.compile(r"^mistral-"), "mistral"),
    (re.compile(r"^codestral-"), "mistral"),
    (re.compile(r"^qwen"), "qwen"),
]

RATE_MARKERS = [
    "rate limit", "rate_limit", "rate-limit", "ratelimit", "rate limited", "too many requests",
    "resource_exhausted", "resource exhausted", "resource has been exhausted", "throttl", "slow down",
    "concurrency limit", "usage limit", "daily call limit",
]
QUOTA_MARKERS = [
    "quota", "insufficient_quota", "billing", "credit balance", "credits", "insufficient balance",
    "payment required", "package has expired",
]
AUTH_MARKERS = [
    "invalid api key", "incorrect api key", "api key not valid", "api_key_invalid", "invalid_api_key",
    "invalid x-api-key", "authentication", "unauthenticated", "unauthorized", "invalid credentials",
    "permission denied", "permission_denied", "forbidden",
]
SERVER_MARKERS = [
    "overloaded", "service unavailable", "internal server error", "server error", "server_error",
    "bad gateway", "gateway timeout",
]
SERVER_HTTP_RE = re.compile(r"http 5\d\d")
PARSE_MARKERS = [
    "failed to parse", "error parsing", "parse error", "invalid json", "is not valid json",
    "unexpected end of json", "unexpected token", "unexpected non-whitespace character", "expected value",
    "expecting value", "jsondecodeerror", "eof while parsing", "error decoding response body", "syntaxerror",
]
NETWORK_MARKERS = [
    "network error", "error sending request", "error trying to connect", "connection refused",
    "connection reset", "connection closed", "connection error", "peer closed connection", "socket",
    "broken pipe", "econnrefused", "econnreset", "enotfound", "eai_again", "etimedout", "fetch failed",
    "headers timeout", "und_err", "dns", "tls", "ssl", "certificate", "timed out", "timeout",
]

# Provider codes (issue 13, beyond DESIGN.md's lists): the same tables as formats/markers.json.
# Numeric codes count only as the value of the provider's own code field (Z.AI `"code": "1113"` or
# `"type": "1113"`; MiniMax `"status_code": 1008`, or a `... (1008)` message suffix), never bare.
ZAI_CODE_KEYS = ("code", "type")
MINIMAX_CODE_KEYS = ("status_code",)
PROVIDER_CODES = {  # meaning -> (Z.AI codes, MiniMax codes)
    "throttled": ([1302, 1303, 1304, 1305, 1308, 1310, 1312, 1313], [1002, 1039, 1041, 2045, 2056]),
    "quota": ([1113, 1309], [1008]),
    "key": ([], [1004, 2049]),
    "permission": ([1220, 1311], []),
    "server": ([], [1000, 1001, 1024, 1033]),
    "context": ([1261], []),
    "content": ([1301], [1026, 1027]),
    "model": ([1211, 1222], []),
    "invalid": ([1210, 1213, 1214, 1215], [1042, 2013]),
}


def code_patterns(*meanings: str) -> list[str]:
    out = []
    for m in meanings:
        zai, mm = PROVIDER_CODES[m]
        for keys, codes, suffix in ((ZAI_CODE_KEYS, zai, False), (MINIMAX_CODE_KEYS, mm, True)):
            if not codes:
                continue
            alt = "|".join(str(c) for c in codes)
            out.append(r"""["'](?:%s)\\*["']\s*:\s*\\*["']?(?:%s)(?![\d.])""" % ("|".join(keys), alt))
            if suffix:
                out.append(r"""[a-z)] \((?:%s)\)(?![^"'\\\s])""" % alt)
    return out


def marker_re(strings: list[str], patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join([re.escape(x) for x in strings] + patterns))


PROVIDER_RATE_RE = marker_re([
    "exceeded your current requests list", "rate increased too quickly", "capacity_exceeded", "并发数过高", "频率过高",
    "arrearage", "account is in good standing", "余额不足", "欠费",
], code_patterns("throttled", "quota"))
PROVIDER_AUTH_RE = marker_re([
    "invalid api-key", "invalidapikey", "invalid subscription key", "invalid api token", "accessdenied", "access denied",
    "unrecognizedclientexception", "expiredtokenexception", "security token included in the request is",
    "invalidsignatureexception",
], code_patterns("key", "permission"))
PROVIDER_SERVER_RE = marker_re([
    "serviceunavailable", "internalserverexception", "modelnotreadyexception", "modeltimeoutexception",
    "modelerrorexception", "modelstreamerrorexception", "unavailable_error", "loading model", "internalerror",
    "enginedeaderror",
], code_patterns("server"))
# Rule 4b: with no status, a provider's own client-error code or name.
PROVIDER_CLIENT_RE = marker_re([
    "validationexception", "resourcenotfoundexception", "datainspectionfailed", "data_inspection_failed",
    "invalidparameter", "modelnotfound",
    "deploymentnotfound", "responsibleaipolicyviolation", "content_filter", "context_length_exceeded", "model_not_found",
    "maximum context length", "prompt is too long", "exceed_context_size_error", "new_sensitive",
], [r"""finish_reason\\*["']\s*:\s*\\*["']sensitive"""] + code_patterns("context", "content", "model", "invalid"))
PROVIDER_NETWORK = ["endpointconnectionerror", "could not connect to the endpoint url"]
PROVIDER_PARSE_RE = marker_re([
    "error reading a body from connection", "in json at position", "unterminated string",
], [r"line \d+ column \d+"])

ERROR_TYPES = {"rate_limit", "auth_error", "network_error", "parse_error", "server_error", "client_error", "unknown"}
# CHOICE: explicit error_type aliases.  The value is ANSI-stripped, CamelCase is split
# ("RateLimit" -> rate_limit), lower-cased, and "-", " ", "." become "_".  Besides the seven
# names, these short forms are accepted; any other explicit value falls back to the rules.
ERROR_TYPE_ALIASES = {
    "ratelimit": "rate_limit", "rate_limited": "rate_limit", "rate_limit_error": "rate_limit",
    "auth": "auth_error", "authentication": "auth_error", "authentication_error": "auth_error",
    "network": "network_error", "parse": "parse_error", "server": "server_error",
    "client": "client_error",
}

EVENTS = {"error", "retry", "recovered", "failed", "fallback"}
MESSAGE_ALIASES = ("error_message", "message", "error", "msg")
TIME_ALIASES = ("timestamp", "ts", "time", "@timestamp")
STATUS_ALIASES = ("status_code", "status", "http_status")

WALK_EXTS = (".jsonl", ".ndjson", ".json", ".log")
WALK_EXCLUDE = {".git", "node_modules"}

ANSI_RE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
HTTP_IN_MSG_RE = re.compile(r"\bhttp (\d{3})(?!\d)", re.IGNORECASE)

# CHOICE: the exact shape of a secret token (DESIGN names the prefixes only).
REDACTIONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bBearer\s+[A-Za-z0-9._~+/=\-]+"), "Bearer [REDACTED]"),
    (re.compile(r"\b(api_key|key)=[^&\s\"'<>()\[\]{},;]+"), r"\1=[REDACTED]"),
    (re.compile(r"\bsk-ant-[A-Za-z0-9_\-]+"), "[REDACTED]"),
    (re.compile(r"\bsk-[A-Za-z0-9_\-]+"), "[REDACTED]"),
    (re.compile(r"\bAIza[0-9A-Za-z_\-]+"), "[REDACTED]"),
    (re.compile(r"\bxai-[A-Za-z0-9_\-]+"), "[REDACTED]"),
    (re.compile(r"\bgsk_[A-Za-z0-9_\-]+"), "[REDACTED]"),
]


def redact(s: str) -> str:
    for rx, rep in REDACTIONS:
        s = rx.sub(rep, s)
    return s


# ---------------------------------------------------------------------------------------------
# JSON helpers (JSON.parse compatible: no NaN/Infinity; floats kept exact as Decimal)
# ---------------------------------------------------------------------------------------------


def _bad_constant(name: str) -> Any:
    raise ValueError("invalid constant " + name)


_DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=_bad_constant)
_WS_RE = re.compile(r"[ \t\n\r]*")


def loads(s: str) -> Any:
    """Parse exactly one JSON value with optional JSON whitespace around it (like JSON.parse)."""
    pos = _WS_RE.match(s, 0).end()
    value, end = _DECODER.raw_decode(s, pos)
    end = _WS_RE.match(s, end).end()
    if end != len(s):
        raise ValueError("extra data")
    return value


def strip_ansi_deep(v: Any) -> Any:
    if isinstance(v, str):
        return ANSI_RE.sub("", v) if "\x1b" in v else v
    if isinstance(v, list):
        return [strip_ansi_deep(x) for x in v]
    if isinstance(v, dict):
        return {k: strip_ansi_deep(x) for k, x in v.items()}
    return v


def is_number(v: Any) -> bool:
    return (isinstance(v, int) and not isinstance(v, bool)) or isinstance(v, Decimal)


def compact_json(v: Any) -> str:
    def conv(x: Any) -> Any:
        if isinstance(x, Decimal):
            return float(x)
        if isinstance(x, list):
            return [conv(y) for y in x]
        if isinstance(x, dict):
            return {k: conv(y) for k, y in x.items()}
        return x
    return json.dumps(conv(v), separators=(",", ":"), ensure_ascii=False)


# ---------------------------------------------------------------------------------------------
# Timestamps
# ---------------------------------------------------------------------------------------------

ISO_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
    r"\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?$"
)
EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
MIN_MS = -62135596800000  # 0001-01-01
MAX_MS = 253402300799999  # 9999-12-31T23:59:59.999


def parse_iso(s: str) -> int | None:
    m = ISO_RE.match(s.strip())
    if not m:
        return None
    y, mo, d, hh, mi, ss, frac, off = m.groups()
    try:
        base = _dt.datetime(int(y), int(mo), int(d), int(hh or 0), int(mi or 0), int(ss or 0),
                            tzinfo=_dt.timezone.utc)
    except ValueError:
        return None
    ms = (frac or "")[:3].ljust(3, "0")  # sub-millisecond digits are truncated
    total = int((base - EPOCH).total_seconds()) * 1000 + int(ms)
    if off and off not in ("Z", "z"):
        sign = 1 if off[0] == "+" else -1
        digits = off[1:].replace(":", "")
        oh = int(digits[:2])
        om = int(digits[2:4]) if len(digits) >= 4 else 0
        if oh > 23 or om > 59:
            return None
        total -= sign * (oh * 3600 + om * 60) * 1000
    return total


def parse_epoch(v: Decimal | int) -> int | None:
    d = Decimal(v)
    if not d.is_finite() or d < 0:
        return None
    ms = d * 1000 if d < Decimal("1e11") else d
    ms = int(ms.to_integral_value(rounding=ROUND_DOWN))  # sub-millisecond digits are truncated
    return ms if MIN_MS <= ms <= MAX_MS else None


def parse_time(v: Any) -> int | None:
    """Epoch milliseconds (UTC) or None when not usable."""
    if is_number(v):
        return parse_epoch(v)
    if isinstance(v, str):
        t = v.strip()
        if re.fullmatch(r"\d+", t):
            return parse_epoch(int(t))
        ms = parse_iso(t)
        if ms is None or not (MIN_MS <= ms <= MAX_MS):
            return None
        return ms
    return None


def fmt_ms(ms: int) -> str:
    t = EPOCH + _dt.timedelta(milliseconds=ms)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def fmt_hour(ms: int) -> str:
    t = EPOCH + _dt.timedelta(milliseconds=ms)
    return t.strftime("%Y-%m-%dT%H:00:00Z")


DURATION_RE = re.compile(r"^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$")
DURATION_MS = {"ms": 1, "s": 1000, "m": 60000, "h": 3600000, "d": 86400000, "w": 604800000}


def parse_window(s: str, now_ms: int) -> int:
    m = DURATION_RE.match(s.strip())
    if m:
        return now_ms - int(Decimal(m.group(1)) * DURATION_MS[m.group(2)])
    ms = parse_time(s)
    if ms is None:
        raise SystemExit(f"oracle: bad time {s!r}")
    return ms


# ---------------------------------------------------------------------------------------------
# Reading files (section 9 "Reading")
# ---------------------------------------------------------------------------------------------


def walk(path: str) -> Iterator[str]:
    """CHOICE: depth-first, the entries of each directory sorted by name (code point order),
    files and sub-directories interleaved.  Symbolic links (to files or directories) inside a
    walked directory are not followed, so not read.  File names are matched case-sensitively."""
    try:
        names = sorted(os.listdir(path))
    except OSError:
        return
    for name in names:
        full = os.path.join(path, name)
        if os.path.islink(full):
            continue
        if os.path.isdir(full):
            if name in WALK_EXCLUDE:
                continue
            yield from walk(full)
        elif os.path.isfile(full):
            base = name[:-3] if name.endswith(".gz") else name
            if base.endswith(WALK_EXTS):
                yield full


def read_text(path: str) -> str:
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if data[:3] == b"\xef\xbb\xbf":
        data = data[3:]
    return data.decode("utf-8", errors="replace")


class Framed:
    __slots__ = ("kind", "value", "line", "reason")

    def __init__(self, kind: str, line: int, value: Any = None, reason: str = ""):
        self.kind = kind  # "value" or "invalid"
        self.line = line
        self.value = value
        self.reason = reason


def _frame_document(lines: list[str], start: int) -> int | None:
    """From line index `start` (whose stripped text starts with { or [), find the index of the
    line where the bracket depth returns to zero.  JSON strings cannot hold a raw newline, so a
    string still open at the end of a line ends the attempt."""
    depth = 0
    for j in range(start, len(lines)):
        text = lines[j]
        in_str = False
        esc = False
        for ch in text:
            if in_str:
                if esc:
                    esc = False
                elif ch == "\\":
                    esc = True
                elif ch == '"':
                    in_str = False
                continue
            if ch == '"':
                in_str = True
            elif ch in "{[":
                depth += 1
            elif ch in "}]":
                depth -= 1
                if depth < 0:
                    return None
        if in_str:
            return None
        if depth == 0:
            return j
    return None


def _array_elements(text: str, first_line: int) -> list[tuple[Any, int]]:
    """Elements of a JSON array text with the (1-based) line each element starts on."""
    out: list[tuple[Any, int]] = []
    pos = _WS_RE.match(text, 0).end()
    assert text[pos] == "["
    pos += 1
    pos = _WS_RE.match(text, pos).end()
    if text[pos] == "]":
        return out
    while True:
        line = first_line + text.count("\n", 0, pos)
        value, pos = _DECODER.raw_decode(text, pos)
        out.append((value, line))
        pos = _WS_RE.match(text, pos).end()
        if text[pos] == ",":
            pos = _WS_RE.match(text, pos + 1).end()
            continue
        break
    return out


def frame(text: str) -> Iterator[Framed]:
    """Records of one file.  Every JSON Lines line is a record; a line holding a JSON array
    yields its elements (CHOICE: also for a single-line array); a multi-line (pretty-printed)
    JSON value starting on a line whose text starts with { or [ is one record (or its elements
    when it is an array) reported at the line it starts on (CHOICE: an array element at the line
    the element starts on).  Several pretty-printed documents may follow each other in a file."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    lines = [ln[:-1] if ln.endswith("\r") else ln for ln in lines]
    i = 0
    n = len(lines)
    while i < n:
        ln = lines[i]
        stripped = ln.strip()
        if stripped == "":
            i += 1
            continue
        try:
            v = loads(ln)
        except ValueError:
            v = None
            ok = False
        else:
            ok = True
        if ok:
            if isinstance(v, list):
                for val, line in _array_elements(ln, i + 1):
                    yield Framed("value", line, val)
            else:
                yield Framed("value", i + 1, v)
            i += 1
            continue
        if stripped[0] in "{[":
            j = _frame_document(lines, i)
            if j is not None and j > i:
                doc = "\n".join(lines[i:j + 1])
                try:
                    v = loads(doc)
                except ValueError:
                    pass
                else:
                    if isinstance(v, list):
                        for val, line in _array_elements(doc, i + 1):
                            yield Framed("value", line, val)
                    else:
                        yield Framed("value", i + 1, v)
                    i = j + 1
                    continue
        yield Framed("invalid", i + 1, reason="invalid JSON")
        i += 1


# ---------------------------------------------------------------------------------------------
# Record interpretation (sections 2, 3, 9)
# ---------------------------------------------------------------------------------------------


def lookup(rec: dict, name: str) -> Any:
    """Top level, then under `fields`; null counts as absent (CHOICE)."""
    v = rec.get(name)
    if v is not None:
        return v
    f = rec.get("fields")
    if isinstance(f, dict):
        return f.get(name)
    return None


def normalise_provider(v: Any) -> str | None:
    if not isinstance(v, str):
        return None
    s = v.strip()
    if not s:
        return None
    key = _label_key(s)
    if key in LABELS:
        return LABELS[key]
    return s.lower()


def known_provider(s: str) -> str | None:
    return LABELS.get(_label_key(s))


def provider_from_target(target: Any) -> str | None:
    # CHOICE: the segment after `providers` must name a known provider, else inference goes on.
    if not isinstance(target, str):
        return None
    parts = target.split("::")
    for k, p in enumerate(parts[:-1]):
        if p == "providers":
            return known_provider(parts[k + 1])
    return None


def provider_from_text(text: str) -> str | None:
    low = text.lower()
    # CHOICE: the host appearing first in the text wins.
    best: tuple[int, str] | None = None
    for host, pid in HOSTS:
        i = low.find(host)
        if i >= 0 and (best is None or i < best[0]):
            best = (i, pid)
    for rx, pid in PORTS:
        m = rx.search(low)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), pid)
    return best[1] if best else None


def provider_from_model(model: Any) -> str | None:
    if not isinstance(model, str) or not model.strip():
        return None
    m = model.strip().lower().rsplit("/", 1)[-1]
    for rx, pid in MODEL_RULES:
        if rx.search(m):
            return pid
    return None


def status_value(v: Any) -> int | None:
    if is_number(v):
        d = Decimal(v)
        if d == d.to_integral_value():
            return int(d)
        return None
    if isinstance(v, str):
        m = re.match(r"\s*(\d{3})", v)
        if m:
            return int(m.group(1))
    return None


def inner_code(v: Any) -> int | None:
    """The HTTP status an embedded error object carries in `code` or `status` (100-599)."""
    for key in ("code", "status"):
        x = v.get(key)
        s = None
        if is_number(x):
            s = status_value(x)
        elif isinstance(x, str) and re.fullmatch(r"\s*\d{3}\s*", x):
            s = int(x)
        if s is not None and 100 <= s <= 599:
            return s
    return None


def embedded_json(s: str) -> Any:
    t = s.strip()
    if t[:1] in ("{", "["):
        try:
            return loads(t)
        except ValueError:
            pass
    a = t.find("{")
    b = t.rfind("}")
    if a >= 0 and b > a:
        try:
            return loads(t[a:b + 1])
        except ValueError:
            return None
    return None


def innermost_status(v: Any, depth: int = 0) -> int | None:
    """Rule 0: the status of the innermost wrapped error that has one (None when none has)."""
    if depth > 20:
        return None
    if isinstance(v, str):
        if "{" not in v:
            return None
        return innermost_status(embedded_json(v), depth + 1)
    if isinstance(v, list):
        for x in v:
            r = innermost_status(x, depth + 1)
            if r is not None:
                return r
        return None
    if not isinstance(v, dict):
        return None
    own = inner_code(v)
    deeper = None
    err = v.get("error")
    if isinstance(err, (dict, str)):
        deeper = innermost_status(err, depth + 1)
    if deeper is None:
        md = v.get("metadata")
        if isinstance(md, dict) and md.get("raw") is not None:
            deeper = innermost_status(md.get("raw"), depth + 1)
    if deeper is None and isinstance(v.get("message"), (str, dict)):
        deeper = innermost_status(v.get("message"), depth + 1)
    return deeper if deeper is not None else own


def normalise_error_type(v: Any) -> str | None:
    if not isinstance(v, str):
        return None
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", v.strip())
    s = re.sub(r"[-\s.]+", "_", s.lower())
    if s in ERROR_TYPES:
        return s
    return ERROR_TYPE_ALIASES.get(s)


def is_validation_list(v: Any, depth: int = 0) -> bool:
    """Rule 0b: a `detail` list of objects with a `type` (pydantic, FastAPI; Mistral under `message`)."""
    if depth > 20:
        return False
    if isinstance(v, str):
        return "{" in v and is_validation_list(embedded_json(v), depth + 1)
    if isinstance(v, list):
        return any(is_validation_list(x, depth + 1) for x in v)
    if not isinstance(v, dict):
        return False
    det = v.get("detail")
    if isinstance(det, list) and det and all(isinstance(x, dict) and "type" in x for x in det):
        return True
    return any(is_validation_list(x, depth + 1) for x in v.values() if isinstance(x, (dict, list, str)))


def json_body(body: str) -> bool:
    """Whether a body is the JSON it claims to be: one JSON document, or an SSE stream whose every `data:`
    payload ([DONE] and empty ones aside) is one.  Bodies over 1 MiB are not parsed and count as JSON."""
    def parses(x: str) -> bool:
        try:
            loads(x)
            return True
        except (ValueError, RecursionError):
            return False
    if len(body) > 1024 * 1024 or parses(body):
        return True
    events = False
    for raw in body.split("\n"):
        line = raw.strip(" \t\r\n")
        if not line.startswith("data:"):
            continue
        events = True
        payload = line[5:].strip(" \t\r\n")
        if payload not in ("", "[DONE]") and not parses(payload):
            return False
    return events


def classify(status: int | None, text: str, inner_sources: list[Any], body: str | None = None) -> str:
    # CHOICE: 0 and other numbers that are no HTTP status (some clients log 0 for a transport failure)
    # count as no status, not as an error inside a 200 stream.
    if status is not None and not 100 <= status <= 999:
        status = None
    # Rule 0: unwrap.
    inner = None
    for src in inner_sources:
        inner = innermost_status(src)
        if inner is not None:
            break
    eff = inner if inner is not None else status
    # Rule 0b: a 422 validation error list is a client error, whatever words it holds.
    if eff == 422 and any(is_validation_list(src) for src in inner_sources):
        return "client_error"
    in_200 = eff is not None and eff < 400
    st = None if in_200 else eff
    # A negated mention counts for nothing (rule 1).
    low = text.lower().replace("no credits were charged", " ").replace("not charged", " ")
    has = lambda ms: any(m in low for m in ms)  # noqa: E731
    # 1
    if st == 429 or has(RATE_MARKERS) or has(QUOTA_MARKERS) or PROVIDER_RATE_RE.search(low):
        return "rate_limit"
    # 2
    if st in (401, 403):
        return "auth_error"
    if (st is None or 400 <= st <= 499) and (has(AUTH_MARKERS) or PROVIDER_AUTH_RE.search(low)):
        return "auth_error"
    # 3
    if st is not None and st >= 500:
        return "server_error"
    if st is None and (has(SERVER_MARKERS) or SERVER_HTTP_RE.search(low) or PROVIDER_SERVER_RE.search(low)):
        return "server_error"
    # 4, and 4b (no status: a provider's client-error code)
    if st is not None and 400 <= st <= 499:
        return "client_error"
    if PROVIDER_CLIENT_RE.search(low):
        return "client_error"
    # 5 (no status); also a body inside a 200 stream that is cut short or not JSON
    if has(PARSE_MARKERS) or PROVIDER_PARSE_RE.search(low):
        return "parse_error"
    if in_200 and body is not None and not json_body(body):
        return "parse_error"
    # 6
    if has(NETWORK_MARKERS) or has(PROVIDER_NETWORK):
        return "network_error"
    # 7
    return "server_error" if in_200 else "unknown"


def body_message(body: Any) -> str | None:
    """The human message of a body-only record (section 9)."""
    if isinstance(body, str):
        try:
            v = loads(body)
        except ValueError:
            return body
        raw = body
    else:
        v = body
        raw = compact_json(body)
    if isinstance(v, dict):
        err = v.get("error")
        if isinstance(err, dict) and isinstance(err.get("message"), str):
            return err["message"]
        msg = v.get("message")
        if isinstance(msg, dict):
            det = msg.get("detail")
            if isinstance(det, list) and det and isinstance(det[0], dict) and isinstance(det[0].get("msg"), str):
                return det[0]["msg"]
        if isinstance(err, str):
            return err
        if isinstance(v.get("detail"), str):
            return v["detail"]
        if isinstance(err, dict) and isinstance(err.get("status"), str):
            return err["status"]
        if isinstance(msg, str):
            return msg
    return raw


class Row:
    __slots__ = ("ts", "provider", "event", "error_type", "retry_count", "outcome", "message", "source")

    def __init__(self, ts, provider, event, error_type, retry_count, outcome, message):
        self.ts = ts
        self.provider = provider
        self.event = event
        self.error_type = error_type
        self.retry_count = retry_count
        self.outcome = outcome
        self.message = message
        self.source = ""


def as_text(v: Any) -> str | None:
    if isinstance(v, str):
        return v
    if v is None:
        return None
    # CHOICE: a non-string body value is read as its compact JSON text.
    return compact_json(v)


def message_fields(rec: dict) -> tuple[list[str], Any]:
    """Every message field present, in alias order: error_message, message, fields.message, error, msg
    (each at the top level, then under `fields`), and the first non-string value among them.
    CHOICE: only string values are messages; an object (`"error": {"message": .., "code": ..}`)
    is read as the record's body when it has no `body`/`response_body`."""
    out: list[str] = []
    obj = None
    f = rec.get("fields") if isinstance(rec.get("fields"), dict) else {}
    for name in MESSAGE_ALIASES:
        for src in (rec, f):
            v = src.get(name)
            if isinstance(v, str):
                out.append(v)
            elif isinstance(v, (dict, list)) and obj is None:
                obj = v
    return out, obj


def interpret(rec: dict, ctx: dict) -> tuple[str, Any]:
    """-> ("row", Row) | ("ignored", None) | ("skipped", reason)"""
    trajectory = ctx.get("trajectory", False)
    kind = rec.get("kind")
    if kind == "llm_retry_metrics":
        return interpret_trajectory(rec)
    if trajectory and "kind" in rec:
        return "ignored", None

    msgs, error_obj = message_fields(rec)
    msgs_low = [m.lower() for m in msgs]
    body = lookup(rec, "body")
    if body is None:
        body = lookup(rec, "response_body")
    if body is None:
        body = error_obj

    # status / outcome
    status = None
    outcome = None
    for name in STATUS_ALIASES:
        v = lookup(rec, name)
        if v is None:
            continue
        if name == "status" and isinstance(v, str) and v.strip().lower() in ("recovered", "failed"):
            outcome = v.strip().lower()
            continue
        if status is None:
            status = status_value(v)
    if status is None:
        for m in msgs:
            mm = HTTP_IN_MSG_RE.search(m)
            if mm:
                status = int(mm.group(1))
                break

    # event
    event = None
    ev = lookup(rec, "event")
    if isinstance(ev, str) and ev.strip().lower() in EVENTS:
        event = ev.strip().lower()
    has_phrase = False
    if event is None:
        joined = "\n".join(msgs_low)
        if "retrying after error" in joined:
            event = "retry"
        elif "successfully recovered" in joined:
            event = "recovered"
        elif "failed after retries" in joined or lookup(rec, "final_error") is not None:
            event = "failed"
        elif "falling back to" in joined:
            event = "fallback"
        has_phrase = event is not None

    explicit_type = lookup(rec, "error_type")
    level = lookup(rec, "level")
    about = (
        event is not None
        or has_phrase
        or explicit_type is not None
        or (status is not None and status >= 400)
        or body is not None
        or lookup(rec, "error") is not None
        or lookup(rec, "error_message") is not None
        or (isinstance(level, str) and level.strip().upper() == "ERROR")  # CHOICE: case-insensitive
    )
    if not about:
        return "ignored", None

    tv = None
    for name in TIME_ALIASES:
        tv = lookup(rec, name)
        if tv is not None:
            break  # CHOICE: the first alias present decides
    ts = parse_time(tv) if tv is not None else None
    if ts is None:
        return "skipped", "no usable timestamp"

    if event is None:
        event = "error"

    # provider
    model = ctx.get("model") if ctx.get("model") is not None else lookup(rec, "model")
    provider = ctx.get("provider")
    if provider is None:
        provider = normalise_provider(lookup(rec, "provider"))
    if provider is None:
        provider = (provider_from_target(lookup(rec, "target"))
                    or provider_from_text("\n".join(msgs))
                    or provider_from_model(model)
                    or "unknown")

    # classification
    et = normalise_error_type(explicit_type)
    if et is None:
        body_text = as_text(body)
        text = "\n".join(([body_text] if body_text is not None else []) + msgs)
        inner_sources: list[Any] = []
        if body is not None:
            inner_sources.append(body)
        inner_sources.extend(msgs)
        et = classify(status, text, inner_sources, body if isinstance(body, str) else None)

    # retry count
    rc = lookup(rec, "retry_count")
    if rc is None:
        rc = lookup(rec, "retries")
    rc = int(rc) if is_number(rc) else None

    # stored message
    message = msgs[0] if msgs else (body_message(body) if body is not None else None)
    if message is not None:
        message = redact(message[:500])  # CHOICE: cut to 500 characters, then redact

    return "row", Row(ts, provider, event, et, rc, outcome, message)


def interpret_trajectory(rec: dict) -> tuple[str, Any]:
    success = rec.get("success")
    retries = rec.get("retries_used")
    retries_n = int(retries) if is_number(retries) else 0
    if success is True and retries_n > 0:
        event = "recovered"
    elif success is False:
        event = "failed"
    else:
        # CHOICE: success true with 0 retries (or no success flag) is ignored.
        return "ignored", None
    ts = parse_time(rec.get("ts")) if rec.get("ts") is not None else None
    if ts is None:
        return "skipped", "no usable timestamp"
    provider = provider_from_model(rec.get("model")) or "unknown"
    last = as_text(rec.get("last_error"))
    status = None
    if last:
        mm = HTTP_IN_MSG_RE.search(last)
        if mm:
            status = int(mm.group(1))
    et = classify(status, last or "", [last] if last else [])
    message = redact(last[:500]) if last else None
    return "row", Row(ts, provider, event, et, retries_n, None, message)


# ---------------------------------------------------------------------------------------------
# Ingest
# ---------------------------------------------------------------------------------------------


class Ingest:
    def __init__(self) -> None:
        self.files = 0
        self.rows: list[Row] = []
        self.ignored = 0
        self.skipped = 0
        self.samples: list[dict] = []
        self.ignored_at: list[str] = []  # for --dump-rows
        self.skipped_at: list[str] = []

    def skip(self, file: str, line: int, reason: str) -> None:
        self.skipped += 1
        self.skipped_at.append(f"{file}:{line}")
        if len(self.samples) < 20:
            self.samples.append({"file": file, "line": line, "reason": reason})

    def add_paths(self, paths: Iterable[str]) -> None:
        for p in paths:
            if os.path.isdir(p):
                for f in walk(p):
                    self.add_file(f)
            elif os.path.isfile(p):
                self.add_file(p)
            else:
                raise SystemExit(f"oracle: cannot read {p}")

    def add_file(self, path: str) -> None:
        self.files += 1
        text = read_text(path)
        base = os.path.basename(path)
        if base.endswith(".gz"):
            base = base[:-3]
        trajectory = base.startswith("trajectory")
        for fr in frame(text):
            if fr.kind == "invalid":
                self.skip(path, fr.line, fr.reason)
                continue
            v = strip_ansi_deep(fr.value)
            if not isinstance(v, dict):
                self.skip(path, fr.line, "not an object")
                continue
            if isinstance(v.get("error_logs"), list) and isinstance(v.get("metadata"), dict):
                self.add_session(v, path, fr.line)
                continue
            self.take(interpret(v, {"trajectory": trajectory}), path, fr.line)

    def add_session(self, doc: dict, path: str, line: int) -> None:
        entries = doc["error_logs"]
        if not entries:
            # CHOICE: an empty error_logs list is the same as none: one ignored record.
            self.ignored += 1
            return
        md = doc["metadata"]
        ctx = {"provider": normalise_provider(md.get("provider")), "model": md.get("model")}
        for e in entries:
            # CHOICE: entries are reported at the line the archive starts on.
            if not isinstance(e, dict):
                self.skip(path, line, "not an object")
                continue
            self.take(interpret(e, ctx), path, line)

    def take(self, res: tuple[str, Any], path: str, line: int) -> None:
        kind, val = res
        if kind == "row":
            val.source = f"{path}:{line}"
            self.rows.append(val)
        elif kind == "ignored":
            self.ignored += 1
            self.ignored_at.append(f"{path}:{line}")
        else:
            self.skip(path, line, val)


# ---------------------------------------------------------------------------------------------
# Analyses (section 5)
# ---------------------------------------------------------------------------------------------


def round_half_up(fr: Fraction, places: int) -> float:
    """CHOICE: "rounded to N places" is exact rational rounding, half away from zero (as SQLite's
    round() and Math.round(x * 10**N) / 10**N give for these values), not Python's round()."""
    scaled = fr * (10 ** places)
    n = scaled.numerator // scaled.denominator
    if scaled - n >= Fraction(1, 2):
        n += 1
    return float(Decimal(n).scaleb(-places))


def analyze(ing: Ingest, since: int | None, until: int | None, providers: list[str] | None, top: int) -> dict:
    rows = [r for r in ing.rows
            if (since is None or r.ts >= since) and (until is None or r.ts < until)
            and (not providers or r.provider in providers)]
    errors = [r for r in rows if r.event == "error"]

    def count_by(items, key):
        out: dict = {}
        for it in items:
            k = key(it)
            out[k] = out.get(k, 0) + 1
        return out

    by_provider = sorted(count_by(errors, lambda r: r.provider).items(), key=lambda kv: (-kv[1], kv[0]))
    by_type = sorted(count_by(errors, lambda r: r.error_type).items(), key=lambda kv: (-kv[1], kv[0]))

    spikes = count_by([r for r in errors if r.error_type == "rate_limit"], lambda r: (r.provider, fmt_hour(r.ts)))
    spikes_l = sorted(spikes.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1]))[:top]

    # CHOICE: a null message groups as its own (null) group and sorts before any text.
    auth = count_by([r for r in errors if r.error_type == "auth_error"], lambda r: (r.provider, r.message))
    auth_l = sorted(auth.items(), key=lambda kv: (-kv[1], kv[0][0], (kv[0][1] is not None, kv[0][1] or "")))

    net: dict[str, list] = {}
    for r in errors:
        if r.error_type == "network_error":
            net.setdefault(r.provider, []).append(r.retry_count)
    net_l = []
    for p, rcs in net.items():
        have = [x for x in rcs if x is not None]
        avg = round_half_up(Fraction(sum(have), len(have)), 2) if have else None
        net_l.append({"provider": p, "avg_retries": avg, "total": len(rcs)})
    net_l.sort(key=lambda d: (-d["total"], d["provider"]))

    rec: dict[str, list[int]] = {}
    for r in rows:
        if r.event == "recovered" or (r.event == "error" and r.outcome == "recovered"):
            rec.setdefault(r.provider, [0, 0])[0] += 1
        elif r.event == "failed" or (r.event == "error" and r.outcome == "failed"):
            rec.setdefault(r.provider, [0, 0])[1] += 1
    rec_l = []
    for p in sorted(rec):
        a, b = rec[p]
        if a + b == 0:
            continue
        rec_l.append({"provider": p, "recovered": a, "failed": b,
                      "success_rate": round_half_up(Fraction(a, a + b), 4)})

    tss = [r.ts for r in rows]
    return {
        "summary": {
            "files": ing.files,
            "records": len(rows),
            "errors": len(errors),
            "ignored": ing.ignored,
            "skipped": ing.skipped,
            "from": fmt_ms(min(tss)) if tss else None,
            "to": fmt_ms(max(tss)) if tss else None,
            "by_provider": [{"provider": p, "errors": n} for p, n in by_provider],
            "by_type": [{"error_type": t, "errors": n} for t, n in by_type],
        },
        "rate_limit_spikes": [{"provider": p, "hour": h, "count": n} for (p, h), n in spikes_l],
        "auth_failures": [{"provider": p, "message": m, "count": n} for (p, m), n in auth_l],
        "network_errors": net_l,
        "recovery": rec_l,
        "skipped_samples": ing.samples,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--since")
    ap.add_argument("--until")
    ap.add_argument("--now")
    ap.add_argument("--top", type=int, default=20)
    ap.add_argument("--provider", action="append")
    ap.add_argument("--dump-rows", metavar="FILE", help="debugging: write every row (and ignored/skipped source) as JSON Lines")
    a = ap.parse_args(argv)
    now_ms = parse_time(a.now) if a.now else int(_dt.datetime.now(_dt.timezone.utc).timestamp() * 1000)
    since = parse_window(a.since, now_ms) if a.since else None
    until = parse_window(a.until, now_ms) if a.until else None
    ing = Ingest()
    ing.add_paths(a.paths)
    provs = [normalise_provider(p) for p in a.provider] if a.provider else None
    out = analyze(ing, since, until, provs, a.top)
    if a.dump_rows:
        with open(a.dump_rows, "w", encoding="utf-8") as f:
            for r in ing.rows:
                f.write(json.dumps({"source": r.source, "timestamp": fmt_ms(r.ts), "provider": r.provider, "event": r.event,
                                    "error_type": r.error_type, "outcome": r.outcome, "retry_count": r.retry_count,
                                    "error_message": r.message}, ensure_ascii=False) + "\n")
            for s_ in ing.ignored_at:
                f.write(json.dumps({"source": s_, "ignored": True}) + "\n")
            for s_ in ing.skipped_at:
                f.write(json.dumps({"source": s_, "skipped": True}) + "\n")
    sys.stdout.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
