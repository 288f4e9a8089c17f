// Secrets are removed before anything is stored or printed (DESIGN.md §3, §9). The secret is
// replaced by [REDACTED] and its context kept: `Bearer [REDACTED]`, `api_key=[REDACTED]`.

export const REDACTED = '[REDACTED]';

// Cheap pre-test: text that has none of these cannot hold a secret, and most messages do not.
// ("API key not valid" is common and holds no secret: `key`/`token` count only before `=` or `:`.)
const MAYBE_SECRET = /sk-|AIza|xai-|gsk_|bearer|(?:key|token)["']?\s*[=:]/i;

// Provider key formats. The prefix must start a token (not "disk-usage", "task-force") and be
// followed by at least 8 key characters, so ordinary hyphenated words are left alone.
const PREFIXED_TOKEN = /(?<![A-Za-z0-9])(?:sk-|AIza|xai-|gsk_)[A-Za-z0-9_-]{8,}/g;

// `Bearer <token>`: at least 8 characters, and not a plain lower-case word ("Bearer authentication").
const BEARER = /\b([Bb]earer|BEARER)(\s+)(?![a-z]+(?![\w.~+/=-]))(?!\[REDACTED\])[\w.~+/=-]{8,}/g;

// `key=`, `api_key=`, `apikey=`, `access_token=`... query parameters, and `x-api-key: ...` headers
// (or `"api_key": "..."` fields) whose value has at least 8 characters.
const PARAM =
  /(?<![A-Za-z0-9_-])((?:api[_-]?key|apikey|key|access[_-]?token|refresh[_-]?token|token)=)(?!\[REDACTED\])[^\s&"'<>,;)\]]+/gi;
const HEADER =
  /(?<![A-Za-z0-9_-])((?:x-api-key|x-goog-api-key|api[_-]key|apikey|access_token)["']?\s*:\s*["']?)(?!\[REDACTED\])[^\s"',;}\]]{8,}/gi;

export function redact(text: string): string {
  if (!MAYBE_SECRET.test(text)) return text;
  return text
    .replace(PREFIXED_TOKEN, REDACTED)
    .replace(BEARER, `$1$2${REDACTED}`)
    .replace(PARAM, `$1${REDACTED}`)
    .replace(HEADER, `$1${REDACTED}`);
}
