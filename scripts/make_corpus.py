#!/usr/bin/env python3
"""Deterministic generator of a nasty vtcode-errors log corpus (Python 3.11 standard library only).

    python3 scripts/make_corpus.py OUTDIR [--seed N] [--scale K]

Writes a few thousand records, in every shape of DESIGN.md section 2, into OUTDIR (which must be
empty or absent) and prints one JSON object on stdout:
    {"seed", "files", "lines", "since", "until", "secrets": [...]}
`since`/`until` is a window whose edges have records planted exactly on them; `secrets` are the
planted API keys / tokens that must never appear in any output nor in a database file.

The corpus deliberately avoids the few points DESIGN.md leaves open (see scripts/oracle.py
"CHOICE:" comments): no message longer than 500 characters holding a secret, no provider label
outside the obvious ones, no JSON array line inside a JSON Lines file, no record without a
timestamp inside a multi-line document among the first 20 skipped records, no two sibling
entries where one name is a prefix of the other followed by a character sorting before "/".
"""
from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import random
import string
import sys

BASE_MS = int(dt.datetime(2026, 11, 20, tzinfo=dt.timezone.utc).timestamp() * 1000)
HOUR = 3600_000
SPAN_H = 60  # records spread over 2026-11-20T00:00Z .. 2026-11-22T12:00Z
WINDOW_SINCE = "2026-11-20T09:00:00+07:00"  # = 2026-11-20T02:00:00.000Z
WINDOW_UNTIL = "2026-11-21T18:30:00Z"
SINCE_MS = BASE_MS + 2 * HOUR
UNTIL_MS = BASE_MS + 42 * HOUR + 30 * 60_000

ESC = "\x1b"


class Gen:
    def __init__(self, seed: int, scale: float):
        self.r = random.Random(seed)
        self.scale = scale
        self.secrets: list[str] = []
        self.hot_hours = sorted(self.r.sample(range(SPAN_H), 9))
        self._mk_secrets()

    # ----------------------------------------------------------------- randomness helpers
    def pick(self, xs):
        return xs[self.r.randrange(len(xs))]

    def chance(self, p: float) -> bool:
        return self.r.random() < p

    def alnum(self, n: int) -> str:
        return "".join(self.r.choice(string.ascii_letters + string.digits) for _ in range(n))

    def hexs(self, n: int) -> str:
        return "".join(self.r.choice("0123456789abcdef") for _ in range(n))

    def _mk_secrets(self) -> None:
        a = self.alnum
        self.sk = [f"sk-proj-{a(40)}" for _ in range(3)]
        self.sk_ant = [f"sk-ant-api03-{a(48)}" for _ in range(2)]
        self.aiza = [f"AIzaSy{a(33)}" for _ in range(2)]
        self.xai = [f"xai-{a(48)}" for _ in range(2)]
        self.gsk = [f"gsk_{a(48)}" for _ in range(2)]
        self.bearer = [f"eyJhbGciOi{a(30)}.{a(24)}" for _ in range(2)]
        self.keyparam = [a(28) for _ in range(2)]
        self.secrets = self.sk + self.sk_ant + self.aiza + self.xai + self.gsk + self.bearer + self.keyparam

    def any_key(self) -> str:
        return self.pick(self.sk + self.sk_ant + self.aiza + self.xai + self.gsk)

    # ----------------------------------------------------------------- time
    def t_ms(self, hot: bool = False) -> int:
        if hot and self.chance(0.75):
            h = self.pick(self.hot_hours)
        else:
            h = self.r.randrange(SPAN_H)
        return BASE_MS + h * HOUR + self.r.randrange(HOUR)

    def fmt_time(self, ms: int, style: str | None = None):
        """Returns (key, value).  The value may shift ms (epoch seconds lose the milliseconds)."""
        style = style or self.pick([
            "iso_ms", "iso_ms", "iso", "iso_micro", "iso_nano", "iso_off", "iso_off", "iso_space",
            "iso_space_off", "iso_local", "iso_frac1", "ep_s", "ep_ms", "ep_ms", "ep_s_str", "ep_ms_str",
            "ep_s_frac", "ep_ms_frac",
        ])
        key = self.pick(["timestamp", "timestamp", "ts", "time", "@timestamp"])
        t = dt.datetime.fromtimestamp(ms / 1000, tz=dt.timezone.utc).replace(microsecond=(ms % 1000) * 1000)
        base = t.strftime("%Y-%m-%dT%H:%M:%S")
        msd = f"{ms % 1000:03d}"
        if style == "iso_ms":
            return key, f"{base}.{msd}Z"
        if style == "iso":
            return key, f"{base}Z"
        if style == "iso_micro":
            return key, f"{base}.{msd}{self.r.randrange(1000):03d}Z"
        if style == "iso_nano":
            return key, f"{base}.{msd}{self.r.randrange(10**6):06d}Z"
        if style in ("iso_off", "iso_space_off"):
            off_min = self.pick([7 * 60, -(5 * 60 + 30), 5 * 60 + 45, -8 * 60, 9 * 60 + 30, 0, 14 * 60, -12 * 60])
            lt = t + dt.timedelta(minutes=off_min)
            sign = "+" if off_min >= 0 else "-"
            off = f"{sign}{abs(off_min) // 60:02d}:{abs(off_min) % 60:02d}"
            sep = " " if style == "iso_space_off" else "T"
            return key, lt.strftime(f"%Y-%m-%d{sep}%H:%M:%S") + f".{msd}{off}"
        if style == "iso_space":
            return key, t.strftime("%Y-%m-%d %H:%M:%S") + f".{msd}"
        if style == "iso_local":  # no offset at all: UTC
            return key, f"{base}.{msd}"
        if style == "iso_frac1":
            return key, f"{base}.{msd[0]}Z"
        if style == "ep_s":
            return key, ms // 1000
        if style == "ep_ms":
            return key, ms
        if style == "ep_s_str":
            return key, str(ms // 1000)
        if style == "ep_ms_str":
            return key, str(ms)
        if style == "ep_s_frac":  # exactly representable fractions only
            return key, json_raw(f"{ms // 1000}.{self.pick(['5', '25', '75', '125'])}")
        if style == "ep_ms_frac":
            return key, json_raw(f"{ms}.{self.pick(['5', '25', '999', '001'])}")
        raise ValueError(style)

    # ----------------------------------------------------------------- providers
    PROVIDERS = ["gemini", "openai", "anthropic", "deepseek", "openrouter", "xai", "mistral", "zai",
                 "moonshot", "ollama", "lmstudio", "qwen", "copilot", "huggingface", "minimax", "nvidia"]
    WEIGHTS = [14, 16, 14, 6, 8, 4, 4, 4, 3, 3, 2, 2, 1, 1, 1, 1]
    LABELS = {"zai": ["Z.AI", "z.ai"], "xai": ["xAI", "XAI"], "lmstudio": ["LM Studio"], "deepseek": ["DeepSeek"],
              "openai": ["OpenAI", "OPENAI"], "anthropic": ["Anthropic"], "gemini": ["Gemini", "GEMINI"],
              "openrouter": ["OpenRouter"], "minimax": ["MiniMax"], "huggingface": ["Hugging Face"],
              "moonshot": ["Moonshot"], "mistral": ["Mistral"], "ollama": ["Ollama"], "qwen": ["Qwen"]}
    UNKNOWN = ["vertex_ai", "Azure", "bedrock", "Together"]
    MODELS = {
        "gemini": ["gemini-2.5-flash", "gemini-2.5-pro", "google/gemini-2.5-flash"],
        "openai": ["gpt-4o", "gpt-5-mini", "o3-mini", "o1", "o4-mini", "openai/gpt-4.1"],
        "anthropic": ["claude-sonnet-4-20250514", "claude-3-5-haiku-latest", "anthropic/claude-opus-4"],
        "deepseek": ["deepseek-chat", "deepseek-reasoner", "deepseek/deepseek-r1"],
        "xai": ["grok-4", "grok-code-fast-1", "x-ai/grok-4"],
        "moonshot": ["kimi-k2-0905", "moonshot-v1-8k", "moonshotai/kimi-k2"],
        "zai": ["glm-4.6", "z-ai/glm-4.5-air"],
        "mistral": ["mistral-large-latest", "codestral-2501", "mistralai/mistral-small-3"],
        "qwen": ["qwen3-coder-plus", "qwen2.5-72b-instruct", "qwen/qwen3-235b"],
    }
    HOSTS = {
        "openai": "https://api.openai.com/v1/chat/completions",
        "anthropic": "https://api.anthropic.com/v1/messages",
        "gemini": "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent",
        "deepseek": "https://api.deepseek.com/chat/completions",
        "openrouter": "https://openrouter.ai/api/v1/chat/completions",
        "xai": "https://api.x.ai/v1/chat/completions",
        "mistral": "https://api.mistral.ai/v1/chat/completions",
        "moonshot": "https://api.moonshot.ai/v1/chat/completions",
        "zai": "https://api.z.ai/api/paas/v4/chat/completions",
        "qwen": "https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions",
        "nvidia": "https://integrate.api.nvidia.com/v1/chat/completions",
        "huggingface": "https://router.huggingface.co/v1/chat/completions",
        "minimax": "https://api.minimax.io/v1/text/chatcompletion_v2",
        "ollama": "http://localhost:11434/api/chat",
        "lmstudio": "http://127.0.0.1:1234/v1/chat/completions",
    }

    def provider(self) -> str:
        return self.r.choices(self.PROVIDERS, weights=self.WEIGHTS)[0]

    def provider_value(self, p: str):
        """How the provider is written in a record; None means "leave it out"."""
        x = self.r.random()
        if x < 0.55:
            return p
        if x < 0.75 and p in self.LABELS:
            return self.pick(self.LABELS[p])
        if x < 0.80:
            return f"{ESC}[36m{p}{ESC}[0m"
        if x < 0.84:
            return p.upper()
        return p

    def model_for(self, p: str) -> str | None:
        if p in self.MODELS:
            return self.pick(self.MODELS[p])
        return {"ollama": "llama3.1:8b", "lmstudio": "qwen2.5-7b-instruct-mlx"}.get(p)

    # ----------------------------------------------------------------- failure payloads
    def failure(self, p: str, cat: str) -> dict:
        """A provider failure: dict with any of status, status_code, message, body."""
        r = self
        host = self.HOSTS.get(p, "https://api.example.invalid/v1/chat")
        k = r.any_key()
        if cat == "rate_limit":
            return r.pick([
                lambda: {"status": 429, "body": json.dumps({"error": {"message": f"Rate limit reached for gpt-4o in organization org-{r.alnum(12)} on tokens per min (TPM): Limit 30000, Used 29876, Requested 1245. Please try again in 2.242s.", "type": "tokens", "param": None, "code": "rate_limit_exceeded"}})},
                lambda: {"status": 429, "body": json.dumps({"error": {"code": 429, "message": "Resource has been exhausted (e.g. check quota).", "status": "RESOURCE_EXHAUSTED"}}, indent=2)},
                lambda: {"status": 429, "body": json.dumps({"error": {"message": "You exceeded your current quota, please check your plan and billing details.", "type": "insufficient_quota", "param": None, "code": "insufficient_quota"}})},
                lambda: {"status": 429, "body": json.dumps({"type": "error", "error": {"type": "rate_limit_error", "message": "This request would exceed your account's rate limit. Please try again later."}})},
                lambda: {"status_code": "429 Too Many Requests", "message": "Too Many Requests"},
                lambda: {"message": "Provider error: http 429: Too Many Requests"},
                lambda: {"message": "Provider error: HTTP 429: 请求过于频繁，请稍后再试 🚦"},
                lambda: {"status": 503, "message": "upstream is throttling requests, slow down"},
                lambda: {"status": 400, "body": json.dumps({"type": "error", "error": {"type": "invalid_request_error", "message": "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits."}})},
                lambda: {"status": 403, "body": json.dumps({"error": {"message": "Your account org-xx<ak-xx> is not active, organization <org-xx> exceeded current quota, please check your plan and billing details", "type": "exceeded_current_quota_error"}})},
                lambda: {"status": 402, "body": json.dumps({"error": {"message": "Insufficient Balance", "type": "unknown_error", "param": None, "code": "invalid_request_error"}})},
                lambda: {"message": "429 RESOURCE_EXHAUSTED: quota exceeded for aiplatform.googleapis.com/generate_content_requests"},
                lambda: {"status": 502, "body": json.dumps({"error": {"message": "Provider returned error", "code": 502, "metadata": {"raw": json.dumps({"error": {"code": 429, "message": "upstream busy"}}), "provider_name": "Chutes"}}})},
                lambda: {"status": 200, "body": "event: error\ndata: " + json.dumps({"type": "error", "error": {"type": "rate_limit_error", "message": "Number of concurrent connections has exceeded your rate limit."}})},
                lambda: {"status": 429, "body": json.dumps({"error": {"code": "1302", "message": "High concurrency usage of this API, please reduce concurrency or contact customer service to increase limits"}})},
                lambda: {"status": 429, "body": {"error": {"code": "1113", "message": "余额不足或无可用资源包,请充值。"}}},
                lambda: {"status": 500, "message": f"daily call limit reached for key {k}"},
                lambda: {"message": f"{ESC}[31mratelimit hit{ESC}[0m calling {host}?key={r.pick(r.keyparam)}&alt=sse"},
            ])()
        if cat == "auth_error":
            return r.pick([
                lambda: {"status": 401, "body": json.dumps({"error": {"message": f"Incorrect API key provided: {r.pick(r.sk)}. You can find your API key at https://platform.openai.com/account/api-keys.", "type": "invalid_request_error", "param": None, "code": "invalid_api_key"}})},
                lambda: {"status": 401, "body": json.dumps({"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}, "request_id": f"req_{r.alnum(20)}"})},
                lambda: {"status": 403, "body": json.dumps({"type": "error", "error": {"type": "permission_error", "message": "Your API key does not have permission to use the specified resource."}})},
                lambda: {"status": 400, "body": json.dumps({"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.", "status": "INVALID_ARGUMENT", "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID", "domain": "googleapis.com"}]}}, indent=2)},
                lambda: {"status": 403, "body": json.dumps({"error": {"code": 403, "message": "The caller does not have permission", "status": "PERMISSION_DENIED"}}, indent=2)},
                lambda: {"status": 400, "body": json.dumps({"code": "Client specified an invalid argument", "error": f"Incorrect API key provided: {r.pick(r.xai)}. You can obtain an API key from https://console.x.ai."})},
                lambda: {"status": 401, "body": json.dumps({"message": "Unauthorized", "request_id": r.hexs(32)})},
                lambda: {"status": 401, "body": json.dumps({"detail": "Not authenticated"})},
                lambda: {"status": 401, "body": "Unauthorized"},
                lambda: {"status": 401, "body": json.dumps({"error": {"code": 401, "status": "UNAUTHENTICATED"}})},
                lambda: {"status": 502, "body": json.dumps({"error": {"message": "Provider returned error", "code": 502, "metadata": {"raw": json.dumps({"error": {"code": 401, "message": "User not found."}}), "provider_name": "Chutes"}}})},
                lambda: {"status": 401, "message": f"Invalid API key: {r.pick(r.sk + r.sk_ant + r.gsk)}"},
                lambda: {"message": f"request rejected (Authorization: Bearer {r.pick(r.bearer)}) unauthorized"},
                lambda: {"message": f"{ESC}[1;31mauthentication failed{ESC}[0m for {host}?key={r.pick(r.keyparam)}&alt=sse"},
                lambda: {"status": 401, "message": "认证失败 🔑 invalid api key " + r.pick(r.xai)},
                lambda: {"status": 404, "message": "Forbidden: project is not allowed to use this model"},
                lambda: {"status": 403, "message": "permission denied: " + "x" * 30 + " ".join(["lorem ipsum dolor sit amet"] * 25)},
                lambda: {"status": "401 Unauthorized", "message": "invalid_api_key"},
                lambda: {"status": 403, "body": json.dumps({"object": "error", "message": {"detail": [{"type": "forbidden", "loc": ["header", "authorization"], "msg": "Missing or invalid credentials", "input": None}]}, "type": "invalid_request_error"})},
            ])()
        if cat == "server_error":
            return r.pick([
                lambda: {"status": 529, "body": json.dumps({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})},
                lambda: {"status": 503, "message": "Service Unavailable"},
                lambda: {"message": "Provider error: http 503: Service Unavailable"},
                lambda: {"message": "Provider error: http 529: " + json.dumps({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})},
                lambda: {"status": 500, "body": json.dumps({"error": {"message": "The server had an error while processing your request. Sorry about that!", "type": "server_error", "param": None, "code": None}})},
                lambda: {"status": 504, "body": json.dumps({"error": {"code": 504, "message": "Deadline expired before operation could complete.", "status": "DEADLINE_EXCEEDED"}}, indent=2)},
                lambda: {"message": "upstream returned Bad Gateway"},
                lambda: {"status": 200, "body": json.dumps({"error": {"message": "Provider disconnected unexpectedly", "type": "stream"}})},
                lambda: {"status": 200, "body": "data: " + json.dumps({"id": "gen-1", "error": {"code": 502, "message": "Provider disconnected unexpectedly"}, "choices": [{"index": 0, "delta": {"content": ""}, "finish_reason": "error"}]})},
                lambda: {"status": 502, "body": json.dumps({"error": {"message": "Provider returned error", "code": 502, "metadata": {"raw": json.dumps({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}), "provider_name": "Anthropic"}}})},
                lambda: {"status": 500, "message": "unauthorized upstream call (internal)"},
                lambda: {"status": 500, "body": {"error": "llama runner process has terminated: signal: killed"}},
                lambda: {"status_code": "503 Service Unavailable", "message": "模型过载，请稍后重试 🔥"},
                lambda: {"status": 200, "message": "stream aborted: http 502 from upstream"},
            ])()
        if cat == "client_error":
            return r.pick([
                lambda: {"status": 400, "body": json.dumps({"error": {"message": "This model's maximum context length is 8192 tokens. However, your messages resulted in 8227 tokens.", "type": "invalid_request_error", "param": "messages", "code": "context_length_exceeded"}})},
                lambda: {"status": 404, "body": json.dumps({"error": {"message": "The model `gpt-9` does not exist or you do not have access to it.", "type": "invalid_request_error", "param": None, "code": "model_not_found"}})},
                lambda: {"status": 413, "body": json.dumps({"error": {"type": "request_too_large", "message": "Request exceeds the maximum size"}})},
                lambda: {"status": 422, "body": json.dumps({"object": "error", "message": {"detail": [{"type": "extra_forbidden", "loc": ["body", "safe_mode"], "msg": "Extra inputs are not permitted", "input": False}]}, "type": "invalid_request_error", "param": None, "code": None})},
                lambda: {"status": 400, "body": json.dumps({"code": "Client specified an invalid argument", "error": "Generated image rejected by content moderation"})},
                lambda: {"status": 400, "body": json.dumps({"error": {"message": "Provider returned error", "code": 400, "metadata": {"raw": json.dumps({"type": "error", "error": {"type": "invalid_request_error", "message": "prompt is too long: 201234 tokens > 200000 maximum"}}), "provider_name": "Anthropic"}}})},
                lambda: {"status_code": "404 Not Found", "message": "model 'llama3' not found, try pulling it first"},
                lambda: {"message": "Provider error: http 400: messages.0.content: 内容不能为空 ✍️"},
                lambda: {"status": "422", "response_body": json.dumps({"detail": "Unprocessable Entity"})},
                lambda: {"http_status": 409, "message": "conflict: request already in flight"},
            ])()
        if cat == "parse_error":
            return r.pick([
                lambda: {"message": "error decoding response body: expected value at line 1 column 1"},
                lambda: {"message": "SyntaxError: Unexpected token < in JSON at position 0"},
                lambda: {"message": "failed to parse stream chunk: missing field `choices` at line 1 column 120"},
                lambda: {"message": "json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)"},
                lambda: {"error": "SyntaxError: Unexpected end of JSON input"},
                lambda: {"status": 200, "message": "failed to parse SSE frame: EOF while parsing a value"},
                lambda: {"message": "解析失败 parse error in tool arguments 🧩"},
            ])()
        if cat == "network_error":
            return r.pick([
                lambda: {"error": f"error sending request for url ({host}): connection closed before message completed"},
                lambda: {"error": f"error sending request for url ({host}): error trying to connect: dns error: failed to lookup address information"},
                lambda: {"message": "TypeError: fetch failed"},
                lambda: {"message": "Error: getaddrinfo ENOTFOUND api.anthropic.com"},
                lambda: {"message": "httpx.ReadTimeout: The read operation timed out"},
                lambda: {"message": "Error: connect ECONNREFUSED 127.0.0.1:11434"},
                lambda: {"message": f"error sending request for url ({host}?key={r.pick(r.keyparam)}): operation timed out"},
                lambda: {"error_message": "invalid peer certificate: UnknownIssuer"},
                lambda: {"message": "httpx.RemoteProtocolError: peer closed connection without sending complete message body"},
                lambda: {"message": "网络错误 network error: socket hang up 🌐"},
                lambda: {"error": "Io error: broken pipe"},
            ])()
        # unknown
        return r.pick([
            lambda: {"message": "ollama._types.ResponseError: model 'llama2' not found, try pulling it first"},
            lambda: {"message": "something odd happened 🤔"},
            lambda: {"error_message": "tool execution failed: 文件未找到"},
            lambda: {"error": "Deadline expired before operation could complete"},
        ])()

    CATS = ["rate_limit", "auth_error", "server_error", "client_error", "parse_error", "network_error", "unknown"]
    CAT_W = [30, 12, 18, 10, 6, 16, 4]

    def cat(self) -> str:
        return self.r.choices(self.CATS, weights=self.CAT_W)[0]

    # ----------------------------------------------------------------- record shapes
    def put_time(self, rec: dict, cat: str = "", style: str | None = None, ms: int | None = None) -> None:
        ms = ms if ms is not None else self.t_ms(hot=(cat == "rate_limit"))
        k, v = self.fmt_time(ms, style)
        rec[k] = v

    def put_provider(self, rec: dict, p: str, where: dict | None = None) -> None:
        where = rec if where is None else where
        x = self.r.random()
        model = self.model_for(p)
        if x < 0.80:
            where["provider"] = self.provider_value(p)
            if model and self.chance(0.6):
                where["model"] = model
        elif x < 0.90 and model:
            where["model"] = model  # inferred from the model
        elif x < 0.93:
            where["provider"] = self.pick(self.UNKNOWN)
        else:
            pass  # no provider at all: host in the message, else unknown

    def flat(self) -> dict:
        p = self.provider()
        c = self.cat()
        rec: dict = {}
        self.put_time(rec, c)
        rec["level"] = self.pick(["ERROR", "ERROR", "ERROR", "WARN"])
        self.put_provider(rec, p)
        f = self.failure(p, c)
        if self.chance(0.35):
            rec["error_type"] = self.error_type_value(c)
        for key, val in f.items():
            if key == "status":
                rec[self.pick(["status_code", "status_code", "http_status"])] = val
            elif key == "message":
                rec[self.pick(["error_message", "error_message", "message", "msg"])] = val
            else:
                rec[key] = val
        if self.chance(0.5):
            rec["retry_count"] = self.r.randrange(0, 6)
        elif self.chance(0.1):
            rec["retries"] = self.r.randrange(0, 4)
        if self.chance(0.4):
            rec["status"] = self.pick(["recovered", "recovered", "failed"])
        if self.chance(0.5):
            rec["request_id"] = f"req_{self.alnum(10)}"
        return rec

    def error_type_value(self, c: str) -> str:
        if c == "unknown":
            return "unknown"
        camel = "".join(w.capitalize() for w in c.split("_"))
        short = {"rate_limit": "RateLimit"}.get(c, camel)
        return self.pick([c, c, c.replace("_", "-"), short, c.upper()])

    def tracing(self) -> dict:
        p = self.provider()
        c = self.cat()
        f = self.failure(p, c)
        ms = self.t_ms(hot=(c == "rate_limit"))
        _, ts = self.fmt_time(ms, self.pick(["iso_micro", "iso_micro", "iso_nano", "iso_off"]))
        fields: dict = {}
        rec: dict = {"timestamp": ts, "level": "ERROR", "fields": fields}
        fields["message"] = f.get("message") or f.get("error") or f.get("error_message") or f"provider request failed for {p}"
        if isinstance(fields["message"], dict):
            fields["message"] = "request failed: " + json.dumps(fields["message"])
        if "status" in f:
            st = f["status"]
            fields["status_code"] = self.display_status(st) if isinstance(st, int) and self.chance(0.6) else st
        if "status_code" in f:
            fields["status_code"] = f["status_code"]
        if "http_status" in f:
            fields["http_status"] = f["http_status"]
        if "body" in f:
            fields["body"] = f["body"]
        if "response_body" in f:
            fields["response_body"] = f["response_body"]
        x = self.r.random()
        if x < 0.5:
            rec["target"] = f"vtcode_core::llm::providers::{p}" if p in self.HOSTS or p in self.MODELS else "vtcode_core::llm::client"
        elif x < 0.75:
            fields["provider"] = self.provider_value(p)
            rec["target"] = "vtcode_core::llm::client"
        else:
            rec["target"] = "vtcode_core::agent::runloop"
            if self.chance(0.6):
                fields["model"] = self.model_for(p) or "unknown-model"
        if self.chance(0.3):
            fields["error_type"] = self.error_type_value(c)
        if self.chance(0.5):
            fields["retry_count"] = self.r.randrange(0, 5)
        if self.chance(0.6):
            rec["span"] = {"name": "llm_request", "attempt": self.r.randrange(1, 4)}
            rec["spans"] = [{"name": "session"}, {"name": "turn", "turn": self.r.randrange(1, 30)}, {"name": "llm_request"}]
        return rec

    def tricky(self) -> dict:
        """Records whose reading DESIGN.md fixes but that are easy to get wrong."""
        ms = self.t_ms()
        k, v = self.fmt_time(ms)
        x = self.r.randrange(14)
        if x == 0:  # target beats host beats model
            return {k: v, "level": "ERROR", "target": "vtcode_core::llm::providers::gemini::stream",
                    "fields": {"message": "error sending request for url (https://api.openai.com/v1/responses): connection reset", "model": "claude-sonnet-4"}}
        if x == 1:  # host beats model
            return {k: v, "level": "ERROR", "model": "claude-sonnet-4", "message": "Error: getaddrinfo ENOTFOUND api.deepseek.com"}
        if x == 2:  # provider field beats everything; unknown value kept lower-cased
            return {k: v, "level": "ERROR", "provider": self.pick(["Vertex AI", "AZURE_OPENAI", "Bedrock"]), "model": "gpt-4o",
                    "target": "vtcode_core::llm::providers::anthropic", "error_message": "Provider error: http 503: Service Unavailable"}
        if x == 3:  # time under `fields`
            return {"level": "ERROR", "target": "vtcode_core::llm::providers::openai", "fields": {k: v, "message": "Too Many Requests", "status_code": "429 Too Many Requests"}}
        if x == 4:  # WARN with a bare message: not about a provider error -> ignored
            return {k: v, "level": "WARN", "provider": "openai", "message": "TypeError: fetch failed"}
        if x == 5:  # INFO with an error_message field: about an error
            return {k: v, "level": "INFO", "provider": "gemini", "error_message": "upstream connect error or disconnect/reset before headers. reset reason: connection termination"}
        if x == 6:  # explicit error_type wins over the text and the status
            return {k: v, "level": "ERROR", "provider": "anthropic", "status_code": 529, "error_type": self.pick(["RateLimit", "rate-limit", "NETWORK_ERROR", "parse-error"]),
                    "error_message": "Overloaded"}
        if x == 7:  # retry phrase with an error_type is a retry, not an error
            return {k: v, "level": "WARN", "provider": "xai", "error_type": "rate_limit", "status_code": 429, "message": "Retrying after error: 429 Too Many Requests", "retry_count": 2}
        if x == 8:  # status below 400 with a server marker in the text -> server_error; with nothing -> server_error (rule 7)
            return {k: v, "provider": "openrouter", "status": 200, "body": self.pick([
                json.dumps({"error": {"message": "Internal Server Error", "code": "server_error"}}),
                json.dumps({"error": {"message": "stream ended: model produced no output"}}),
                json.dumps({"error": {"message": "Provider returned error", "code": 200, "metadata": {"raw": json.dumps({"error": {"code": 401, "message": "Invalid credentials"}})}}})])}
        if x == 9:  # explicit event field beats the phrase
            return {k: v, "level": "WARN", "provider": "mistral", "event": "failed", "message": "Retrying after error (will not retry)"}
        if x == 10:  # a provider label that matches an id case-insensitively, in fields
            return {k: v, "level": "ERROR", "fields": {"provider": self.pick(["Z.AI", "LM Studio", "xAI", "DeepSeek", "Hugging Face"]),
                    "message": "Provider error: http 401: " + json.dumps({"error": {"message": f"invalid api key {self.pick(self.gsk)}"}})}}
        if x == 11:  # final_error field -> failed
            return {k: v, "level": "ERROR", "provider": "qwen", "message": "request aborted", "final_error": "quota exceeded"}
        if x == 12:  # key= / api_key= query parameters next to other parameters
            return {k: v, "level": "ERROR", "provider": "gemini", "status_code": 403,
                    "error_message": f"GET https://generativelanguage.googleapis.com/v1beta/models?alt=json&api_key={self.pick(self.keyparam)}&pageSize=50 returned PERMISSION_DENIED"}
        # 13: status from a Display string in `status`, with outcome in no field
        return {k: v, "level": "ERROR", "provider": "moonshot", "status": "503 Service Unavailable", "message": "引擎过载 overloaded ⚠️", "retries": 4}

    def display_status(self, st: int) -> str:
        reasons = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden",
                   404: "Not Found", 409: "Conflict", 413: "Payload Too Large", 422: "Unprocessable Entity",
                   429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
                   503: "Service Unavailable", 504: "Gateway Timeout", 529: "<unknown status code>"}
        return f"{st} {reasons.get(st, '')}".rstrip()

    def raw(self) -> dict:
        p = self.pick(["openai", "anthropic", "gemini", "openrouter", "deepseek", "xai", "mistral", "zai", "ollama", "moonshot"])
        c = self.cat()
        f = self.failure(p, c)
        rec: dict = {}
        ms = self.t_ms(hot=(c == "rate_limit"))
        k, v = self.fmt_time(ms, self.pick(["ep_ms", "ep_ms", "ep_s", "iso_ms", "ep_ms_str"]))
        rec["ts" if self.chance(0.7) else k] = v
        rec["provider"] = self.provider_value(p)
        for key, val in f.items():
            rec[key] = val
        if self.chance(0.2):
            rec["model"] = self.model_for(p) or "m"
        return rec

    def event_record(self) -> dict:
        """retry / recovered / failed / fallback announcements in flat or tracing form."""
        p = self.provider()
        c = self.cat()
        kind = self.pick(["retry", "retry", "retry", "recovered", "recovered", "failed", "fallback", "event_field"])
        rec: dict = {}
        self.put_time(rec)
        holder = rec
        tracing = self.chance(0.4)
        if tracing:
            holder = {}
            rec["level"] = "WARN" if kind == "retry" else "INFO"
            rec["fields"] = holder
            rec["target"] = f"vtcode_core::llm::providers::{p}" if p in self.HOSTS else "vtcode_core::llm::retry"
            if p not in self.HOSTS:
                holder["provider"] = p
        else:
            rec["level"] = "WARN" if kind in ("retry", "failed") else "INFO"
            self.put_provider(rec, p)
        mk = "message" if tracing else self.pick(["message", "msg", "error_message"])
        if kind == "retry":
            holder[mk] = self.pick([
                f"Retrying after error (attempt {self.r.randrange(1, 4)}/3): rate limit exceeded",
                "retrying after error: connection reset by peer",
                f"{ESC}[33mRetrying after error{ESC}[0m in 2.5s",
                "重试中 Retrying after error 🔁 http 503",
            ])
            if self.chance(0.5):
                holder["error_type"] = self.error_type_value(c)
                holder["status_code"] = 429
            holder["retry_count"] = self.r.randrange(1, 4)
        elif kind == "recovered":
            holder[mk] = self.pick([
                f"Successfully recovered from error after {self.r.randrange(1, 4)} retries",
                "successfully recovered after transient network error",
            ])
            if self.chance(0.3):
                holder["error_type"] = self.error_type_value(c)
        elif kind == "failed":
            if self.chance(0.5):
                holder[mk] = self.pick(["LLM request failed after retries: " + self.pick(["Service Unavailable", "rate limit exceeded", "connection closed"]),
                                        "Request failed after retries (3 attempts)"])
            else:
                holder[mk] = "giving up on request"
                holder["final_error"] = self.pick(["http 503: Service Unavailable", "timed out", f"401 invalid api key {self.any_key()}"])
                rec["level"] = "ERROR"
        elif kind == "fallback":
            fb = self.pick(["openai", "anthropic", "gemini", "deepseek"])
            holder[mk] = f"Falling back to secondary provider {fb}"
            holder["primary"] = p
            holder["fallback"] = fb
        else:
            ev = self.pick(["retry", "recovered", "failed", "error", "fallback"])
            holder["event"] = ev
            holder[mk] = self.pick(["provider event", "request state changed", "Provider error: http 502: Bad Gateway"])
            if ev == "error" and self.chance(0.5):
                holder["error_type"] = self.error_type_value(c)
        return rec

    def ignored_record(self) -> dict:
        rec: dict = {}
        if self.chance(0.85):
            self.put_time(rec)
        x = self.r.random()
        if x < 0.4:
            rec.update({"level": "INFO", "target": "vtcode_core::tools::registry",
                        "fields": {"message": self.pick(["tool call completed", "executing tool read_file", "工具调用完成 ✅",
                                                         f"Sending request to {self.pick(list(self.HOSTS.values()))}",
                                                         "rate limit headroom 95%, connection pool warm"]),
                                   "tool": self.pick(["read_file", "grep", "bash"])}})
        elif x < 0.7:
            rec.update({"level": self.pick(["INFO", "DEBUG", "WARN", "TRACE"]), "message": self.pick([
                "turn completed in 2.1s", "slow response from provider (12s)", "cache hit", "token usage: 1234 in / 567 out",
                f"using key {self.any_key()} for provider", f"{ESC}[32mready{ESC}[0m"]), "provider": self.pick(["openai", "gemini"])})
        elif x < 0.85:
            rec.update({"level": "INFO", "status_code": 200, "provider": "anthropic", "message": "request ok", "latency_ms": self.r.randrange(100, 9000)})
        else:
            rec.update({"kind": "tool", "name": "bash", "status": "ok"})
        return rec

    # ----------------------------------------------------------------- other documents
    def session(self, idx: int, variant: str) -> dict:
        p = self.pick(["anthropic", "gemini", "openai", "deepseek", "zai", "xai"])
        label = self.pick(self.LABELS.get(p, [p]) + [p])
        md: dict = {"session_id": f"session-{idx:04d}", "workspace": "/home/dev/project", "model": self.model_for(p),
                    "provider": label, "started_at": "2026-11-20T08:00:00Z", "api_key_hint": "****"}
        if variant == "no_provider":
            del md["provider"]
        doc: dict = {"metadata": md, "messages": [
            {"role": "user", "content": f"use key {self.any_key()} please 🙏"},
            {"role": "assistant", "content": "好的，我来看看。"},
        ]}
        if variant == "no_logs":
            return doc
        if variant == "empty_logs":
            doc["error_logs"] = []
            return doc
        logs = []
        target = "vtcode_core::agent::runloop" if variant == "no_provider" else f"vtcode_core::llm::providers::{p}"
        for _ in range(self.r.randrange(4, 14)):
            c = self.cat()
            ms = self.t_ms(hot=(c == "rate_limit"))
            _, ts = self.fmt_time(ms, self.pick(["iso_ms", "iso_micro", "iso_off"]))
            x = self.r.random()
            if x < 0.55:
                f = self.failure(p, c)
                msg = f.get("message") or f.get("error") or f.get("error_message")
                if not isinstance(msg, str):
                    b = f.get("body") or f.get("response_body") or ""
                    st = f.get("status") or f.get("status_code") or f.get("http_status")
                    msg = f"Provider error: http {st}: {b if isinstance(b, str) else json.dumps(b)}" if st else f"Provider error: {b}"
                logs.append({"timestamp": ts, "level": "ERROR", "target": target, "message": msg})
            elif x < 0.7:
                logs.append({"timestamp": ts, "level": "WARN", "target": target, "message": "Retrying after error: " + self.pick(["http 503", "rate limit", "timeout"])})
            elif x < 0.8:
                logs.append({"timestamp": ts, "level": "INFO", "target": target, "message": "Successfully recovered from error"})
            elif x < 0.87:
                logs.append({"timestamp": ts, "level": "ERROR", "target": target, "message": "LLM request failed after retries: Service Unavailable"})
            else:
                logs.append({"timestamp": ts, "level": "INFO", "target": "vtcode_core::tools", "message": "tool call ok"})
        doc["error_logs"] = logs
        return doc

    def trajectory_line(self) -> dict:
        x = self.r.random()
        ms = self.t_ms()
        if x < 0.55:
            p = self.pick(["gemini", "openai", "anthropic", "deepseek", "xai", "moonshot", "zai", "qwen", "mistral"])
            model = self.model_for(p) if self.chance(0.9) else "llama3.1:8b"
            success = self.chance(0.6)
            retries = self.r.randrange(0, 4)
            if self.chance(0.2):
                retries = 0
            ts = ms // 1000 if self.chance(0.7) else json_raw(f"{ms // 1000}.{self.pick(['5', '25', '75'])}")
            return {"kind": "llm_retry_metrics", "ts": ts, "turn": self.r.randrange(1, 40), "model": model,
                    "attempts_made": retries + 1, "retries_used": retries, "success": success,
                    "exhausted_retry_budget": (not success) and retries >= 3,
                    "last_error": None if (success and retries == 0) else self.pick([
                        "Provider error: http 503: Service Unavailable", "rate limit exceeded", "error sending request: connection reset",
                        f"invalid api key {self.any_key()}", "Provider error: http 429: Too Many Requests"])}
        kind = self.pick(["tool", "turn", "route", "llm_request", "plan"])
        d = {"kind": kind, "ts": ms // 1000, "turn": self.r.randrange(1, 40)}
        if kind == "tool":
            d.update({"name": self.pick(["read_file", "bash"]), "ok": self.chance(0.8), "status": "ok"})
        return d

    def garbage(self) -> str:
        return self.pick([
            "this is not json",
            '{"timestamp": "2026-11-20T10:00:00Z", "level": "ERROR", "message": "truncated',
            "<html><body><h1>502 Bad Gateway</h1></body></html>",
            "2026-11-20T10:00:00Z ERROR rate limit exceeded for provider openai",
            "}",
            "[1, 2",
            f"Authorization: Bearer {self.pick(self.bearer)}",
            "{'python': 'dict', 'status': 429}",
            "{{{",
            "\u0000\u0001binary",
            'undefined',
            f'{{"level":"ERROR","message":"key {self.any_key()}"',
        ])

    def scalar(self) -> str:
        return self.pick(["42", '"just a string"', "null", "true", "3.14", '"Retrying after error"', "-7"])

    def no_ts_error(self) -> dict:
        d = self.flat()
        for k in ("timestamp", "ts", "time", "@timestamp"):
            d.pop(k, None)
        if self.chance(0.4):
            d[self.pick(["timestamp", "ts"])] = self.pick(["yesterday", "", "2026-13-45T99:00:00Z", "not-a-date", "2026/11/20 10:00"])
        if "level" not in d or self.chance(0.5):
            d["level"] = "ERROR"
        return d


class json_raw(str):
    """A number written verbatim in JSON (used for exact fractional epochs)."""


def dumps(v, indent=None) -> str:
    """json.dumps that writes json_raw values as bare numbers, non-ASCII kept."""
    marker = {}

    def conv(x):
        if isinstance(x, json_raw):
            key = f"@@RAW{len(marker)}@@"
            marker[key] = str(x)
            return key
        if isinstance(x, dict):
            return {k: conv(y) for k, y in x.items()}
        if isinstance(x, list):
            return [conv(y) for y in x]
        return x

    s = json.dumps(conv(v), ensure_ascii=False, indent=indent)
    for key, raw in marker.items():
        s = s.replace(f'"{key}"', raw)
    return s


# ------------------------------------------------------------------------- writing


class Writer:
    def __init__(self, root: str):
        self.root = root
        self.files = 0
        self.lines = 0

    def write(self, rel: str, data: bytes, gz: bool = False) -> None:
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if gz:
            data = gzip.compress(data, mtime=0)
        with open(path, "wb") as f:
            f.write(data)
        self.files += 1

    def lines_file(self, rel: str, lines: list[str], *, crlf=False, bom=False, gz=False, final_newline=True) -> None:
        self.lines += len(lines)
        nl = "\r\n" if crlf else "\n"
        text = nl.join(lines) + (nl if final_newline and lines else "")
        data = text.encode("utf-8")
        if bom:
            data = b"\xef\xbb\xbf" + data
        self.write(rel, data, gz)


def mix_lines(g: Gen, n: int, makers: list[tuple[float, callable]], *, garbage=0.0, scalars=0.0,
              no_ts=0.0, blanks=0.0, ignored=0.1, events=0.1) -> list[str]:
    out: list[str] = []
    total_w = sum(w for w, _ in makers)
    for _ in range(n):
        x = g.r.random()
        if x < garbage:
            out.append(g.garbage())
        elif x < garbage + scalars:
            out.append(g.scalar())
        elif x < garbage + scalars + no_ts:
            out.append(dumps(g.no_ts_error()))
        elif x < garbage + scalars + no_ts + blanks:
            out.append(g.pick(["", "   ", "\t", " \t "]))
        elif x < garbage + scalars + no_ts + blanks + ignored:
            out.append(dumps(g.ignored_record()))
        elif x < garbage + scalars + no_ts + blanks + ignored + events:
            out.append(dumps(g.event_record()))
        else:
            y = g.r.random() * total_w
            for w, mk in makers:
                if y < w:
                    out.append(dumps(mk()))
                    break
                y -= w
        if g.chance(0.03):
            out[-1] = "  " + out[-1]  # leading whitespace before a JSON line
    return out


def boundary_records(g: Gen) -> list[str]:
    """Records exactly on, and 1 ms around, the window edges, written in different forms."""
    recs = []
    s, u = SINCE_MS, UNTIL_MS
    forms = [
        (s, {"timestamp": "2026-11-20T09:00:00.000+07:00"}),
        (s, {"ts": s}),
        (s - 1, {"timestamp": "2026-11-20T01:59:59.999Z"}),
        (s, {"time": "2026-11-19 20:30:00-05:30"}),
        (u, {"timestamp": "2026-11-21T18:30:00Z"}),
        (u, {"ts": u // 1000}),
        (u - 1, {"@timestamp": "2026-11-22T00:59:59.999+06:30"}),
        (u, {"timestamp": "2026-11-21 18:30:00.000"}),
        (u + 1, {"ts": str(u + 1)}),
        (u - 1, {"timestamp": "2026-11-21T18:29:59.999999Z"}),
    ]
    for _, tsd in forms:
        for cat, status, msg in (("rate_limit", 429, "Too Many Requests"), ("auth_error", 401, "invalid x-api-key"),
                                 ("network_error", None, "error sending request: connection reset")):
            rec = dict(tsd)
            rec.update({"level": "ERROR", "provider": g.pick(["openai", "gemini", "anthropic"]), "error_message": msg, "retry_count": 1})
            if status:
                rec["status_code"] = status
            recs.append(dumps(rec))
        recs.append(dumps({**tsd, "level": "INFO", "provider": "deepseek", "message": "Successfully recovered from error"}))
    return recs


def build(root: str, seed: int, scale: float) -> dict:
    g = Gen(seed, scale)
    w = Writer(root)
    n = lambda k: max(1, int(k * scale))  # noqa: E731
    flat = [(1.0, g.flat)]
    trc = [(1.0, g.tracing)]
    raw = [(1.0, g.raw)]
    allm = [(3.0, g.flat), (2.0, g.tracing), (1.5, g.raw)]

    # Walk order (names sorted per directory): .vtcode/ < a-app/ < b-raw/ < c-nested/ < ...
    # .vtcode/: VT Code's own files.  The first files carry many plain skipped lines.
    traj = []
    for i in range(n(260)):
        if i in (3, 17):
            traj.append(g.garbage())
        elif i == 9:
            d = g.trajectory_line()
            d.update({"kind": "llm_retry_metrics", "success": False})
            d.pop("ts", None)
            traj.append(dumps(d))
        else:
            traj.append(dumps(g.trajectory_line()))
    w.lines_file(".vtcode/history/trajectory-2026-11-20.jsonl", traj)
    w.lines_file(".vtcode/history/trajectory.jsonl.gz", [dumps(g.trajectory_line()) for _ in range(n(120))], gz=True)
    vlog = mix_lines(g, n(400), trc, garbage=0.02, no_ts=0.01, blanks=0.02, ignored=0.2, events=0.12)
    # a record cut short right after an opening brace, then a panic message: two lines, neither
    # valid JSON nor part of a whole document, so two skipped lines
    vlog[6:6] = ['{"timestamp":"2026-11-20T10:00:00.000000Z","level":"ERROR","fields":{',
                 "thread 'tokio-runtime-worker' panicked at vtcode-core/src/llm/client.rs:88:14:"]
    w.lines_file(".vtcode/logs/vtcode.log", vlog, crlf=True)
    for i in range(6):
        variant = ["full", "full", "no_provider", "no_logs", "empty_logs", "full"][i]
        doc = g.session(i, variant)
        data = dumps(doc, indent=2).encode()
        name = f".vtcode/sessions/session-2026112{i % 3}T0{i}0000-{g.hexs(6)}.json"
        if i == 5:
            w.write(name + ".gz", data, gz=True)
        else:
            w.write(name, data)

    # a-app/: flat records in every container
    w.lines_file("a-app/app-01.jsonl", mix_lines(g, n(350), flat, garbage=0.03, scalars=0.02, no_ts=0.02, blanks=0.02), bom=True, crlf=True)
    w.lines_file("a-app/app-02.jsonl.gz", mix_lines(g, n(300), allm, garbage=0.01, no_ts=0.01), gz=True)
    w.lines_file("a-app/app-03.ndjson", mix_lines(g, n(250), allm, scalars=0.01, blanks=0.05), gz=True)  # gzip, no .gz name
    w.lines_file("a-app/app-04.log", mix_lines(g, n(250), flat, garbage=0.02, ignored=0.3), final_newline=False)
    bad_utf8 = [dumps(g.flat()).encode() for _ in range(30)]
    bad_utf8.insert(4, b'{"timestamp":"2026-11-20T11:00:00Z","level":"ERROR","provider":"openai","status_code":401,"error_message":"bad key \xe4\xb8 \xff\xfe in header"}')
    bad_utf8.insert(9, b"\xff\xfe\xfd not json at all")
    bad_utf8.insert(12, b'{"timestamp":"2026-11-20T12:00:00Z","level":"INFO","message":"caf\xc3\xa9 \xc3 ok"}')
    w.write("a-app/app-05.jsonl", b"\n".join(bad_utf8) + b"\n")
    w.lines += len(bad_utf8)
    w.lines_file("a-app/deep/er/est/app-06.jsonl", mix_lines(g, n(150), flat, no_ts=0.02))
    w.lines_file("a-app/windows-crlf.log", mix_lines(g, n(120), allm, blanks=0.1), crlf=True, bom=True)
    w.write("a-app/empty.jsonl", b"")
    w.write("a-app/only-bom.jsonl", b"\xef\xbb\xbf")
    w.write("a-app/only-blank.log", b"\n \n\t\r\n\n")

    # b-raw/: raw provider failures, arrays, pretty documents
    w.lines_file("b-raw/failures.jsonl", mix_lines(g, n(300), raw, ignored=0.05, events=0.02))
    w.lines_file("b-raw/stream.ndjson.gz", mix_lines(g, n(120), raw, ignored=0.02), gz=True)
    w.write("b-raw/arrays/array-one-line.json", (dumps([g.raw() for _ in range(n(40))]) + "\n").encode())
    w.write("b-raw/arrays/array-pretty.json", (dumps([g.flat() for _ in range(n(40))] + [g.event_record() for _ in range(5)], indent=2) + "\n").encode())
    w.write("b-raw/arrays/array-pretty-crlf.json", (dumps([g.tracing() for _ in range(n(25))], indent=4).replace("\n", "\r\n") + "\r\n").encode())
    w.write("b-raw/arrays/array-empty.json", b"[]\n")
    w.write("b-raw/arrays/array-gz.json", gzip.compress((dumps([g.raw() for _ in range(n(30))], indent=1)).encode(), mtime=0))
    w.write("b-raw/docs/one-pretty.json", (dumps(g.raw(), indent=2) + "\n").encode())
    w.write("b-raw/docs/one-line.json", (dumps(g.flat())).encode())
    w.write("b-raw/docs/jq-style.json", ("\n".join(dumps(g.pick([g.flat, g.tracing, g.raw, g.ignored_record])(), indent=2) for _ in range(n(30))) + "\n").encode())
    w.write("b-raw/docs/pretty-bom.json", b"\xef\xbb\xbf" + dumps(g.flat(), indent=2).encode())
    # late file (after the first 20 skipped samples): skipped things inside multi-line documents
    late = [g.flat() for _ in range(8)]
    late.insert(3, {"level": "ERROR", "provider": "openai", "error_message": "no time here"})
    w.write("b-raw/docs/zz-late-array.json", (dumps(late + [7, "x", None], indent=2) + "\n").encode())

    # c-nested/: mixed shapes, deeper, with the window boundary records
    w.lines_file("c-nested/one/two/three/mixed.jsonl", mix_lines(g, n(500), allm, garbage=0.01, scalars=0.01, no_ts=0.01, blanks=0.02, ignored=0.12, events=0.12))
    w.lines_file("c-nested/one/two/boundaries.jsonl", boundary_records(g))
    w.lines_file("c-nested/one/tracing.json.gz", mix_lines(g, n(200), trc, ignored=0.2, events=0.1), gz=True)
    w.lines_file("c-nested/日志-cjk.jsonl", mix_lines(g, n(80), allm))

    tricky = [(1.0, g.tricky)]
    w.lines_file("c-nested/one/two/three/tricky.jsonl", mix_lines(g, n(220), tricky, ignored=0.02, events=0.02))
    # JSON Lines with a pretty-printed document in the middle, a lone CR between tokens, U+2028 in a string
    lines = mix_lines(g, n(60), allm)
    lines.insert(10, dumps(g.flat(), indent=2))
    lines.insert(20, dumps({"ts": BASE_MS + 5 * HOUR, "provider": "openai", "status": 401, "error_message": "bad key"}).replace(", ", ",\r", 2))
    lines.insert(30, dumps({"ts": BASE_MS + 6 * HOUR, "provider": "gemini", "status": 401, "error_message": "line\u2028separator and\u2029paragraph, invalid api key"}))
    lines.insert(40, dumps(g.tracing(), indent=4))
    w.lines_file("c-nested/one/two/three/with-pretty.jsonl", lines)
    # a gzip file of two members (what `cat a.gz b.gz` gives), with a BOM and CRLF inside
    m1 = ("\ufeff" + "\r\n".join(mix_lines(g, n(40), allm)) + "\r\n").encode()
    m2 = ("\r\n".join(mix_lines(g, n(40), allm)) + "\r\n").encode()
    w.write("c-nested/rotated.log.gz", gzip.compress(m1, mtime=0) + gzip.compress(m2, mtime=0))
    w.lines += 2 * n(40)

    # things that must not be read
    w.lines_file(".git/objects-log.jsonl", [dumps(g.flat()) for _ in range(20)])
    w.lines_file("node_modules/pkg/errors.jsonl", [dumps(g.flat()) for _ in range(20)])
    w.lines_file("d-other/notes.txt", [dumps(g.flat()) for _ in range(10)])
    w.lines_file("d-other/README.md", ["# not a log", dumps(g.flat())])
    w.lines_file("d-other/archive.gz", [dumps(g.flat()) for _ in range(10)], gz=True)
    w.lines_file("d-other/errors.JSONL.bak", [dumps(g.flat()) for _ in range(5)])
    try:
        os.symlink(os.path.join("..", "a-app", "app-04.log"), os.path.join(root, "d-other", "link-to-app.log"))
        os.symlink(os.path.join("..", "a-app"), os.path.join(root, "d-other", "link-to-dir"))
    except OSError:
        pass

    return {"seed": seed, "files": w.files, "lines": w.lines, "since": WINDOW_SINCE, "until": WINDOW_UNTIL,
            "secrets": g.secrets}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scale", type=float, default=1.0)
    a = ap.parse_args()
    if os.path.exists(a.outdir) and os.listdir(a.outdir):
        print(f"make_corpus: {a.outdir} is not empty", file=sys.stderr)
        return 2
    os.makedirs(a.outdir, exist_ok=True)
    info = build(a.outdir, a.seed, a.scale)
    print(json.dumps(info))
    return 0


if __name__ == "__main__":
    sys.exit(main())
