// Deterministic benchmark corpus: N lines, half flat records, 40% tracing-subscriber JSON, 10% raw
// provider failures (the mix of the performance issue), ~340 bytes a line. The tables and the PRNG
// also make the reliability tests' corpus.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export const PROVIDERS = ['gemini', 'anthropic', 'openai', 'deepseek', 'openrouter', 'xai', 'mistral', 'ollama'];
export const MODELS: Record<string, string> = {
  gemini: 'gemini-2.5-flash', anthropic: 'claude-sonnet-4-5', openai: 'gpt-5', deepseek: 'deepseek-chat',
  openrouter: 'openrouter/auto', xai: 'grok-4', mistral: 'mistral-large-latest', ollama: 'llama3.1:8b',
};
export const FLAT = [
  ['rate_limit', 429, 'Rate limit exceeded for requests per minute, please retry after 20s'],
  ['auth_error', 401, 'Invalid API key provided: sk-proj-****abcd. You can find your key in the dashboard'],
  ['network_error', null, 'error sending request for url (https://api.openai.com/v1/chat/completions): connection closed before message completed'],
  ['server_error', 503, 'The model is overloaded. Please try again later.'],
  ['parse_error', null, 'failed to parse response body: EOF while parsing a value at line 1 column 0'],
  ['client_error', 400, "This model's maximum context length is 128000 tokens"],
] as const;
export const BODIES = [
  [529, '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}'],
  [429, '{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}}'],
  [429, '{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","code":"insufficient_quota"}}'],
  [401, '{"error":{"message":"Incorrect API key provided.","type":"invalid_request_error","code":"invalid_api_key"}}'],
] as const;

/** A small seeded PRNG (mulberry32), so that every run writes the same bytes. */
export function rng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function line(i: number, r: () => number): string {
  const provider = PROVIDERS[Math.floor(r() * PROVIDERS.length)];
  const ts = new Date(Date.UTC(2026, 10, 1) + i * 2000 + Math.floor(r() * 1000)).toISOString();
  const kind = r();
  if (kind < 0.5) {
    const [type, status, msg] = FLAT[Math.floor(r() * FLAT.length)];
    return JSON.stringify({
      timestamp: ts, level: 'ERROR', provider, error_type: type, status_code: status, error_message: msg,
      retry_count: Math.floor(r() * 4), request_id: `req_${i.toString(36)}`, status: r() < 0.7 ? 'recovered' : 'failed', model: MODELS[provider],
    });
  }
  if (kind < 0.9) {
    const [, status, msg] = FLAT[Math.floor(r() * FLAT.length)];
    return JSON.stringify({
      timestamp: ts, level: r() < 0.8 ? 'ERROR' : 'INFO', target: `vtcode_core::llm::providers::${provider}`,
      fields: { message: msg, provider, status_code: status === null ? undefined : `${status} Too Many Requests`, retry_count: 1 },
      span: { name: 'llm_request', model: MODELS[provider] },
    });
  }
  const [status, body] = BODIES[Math.floor(r() * BODIES.length)];
  return JSON.stringify({ ts: Date.parse(ts), provider, status, body, model: MODELS[provider] });
}

export async function generate(path: string, lines: number, seed = 42, from = 0): Promise<void> {
  const r = rng(seed + from);
  const out = createWriteStream(path, { flags: from > 0 ? 'a' : 'w' });
  let buf = '';
  for (let i = from; i < from + lines; i++) {
    buf += line(i, r) + '\n';
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await generate(process.argv[2], Number(process.argv[3] ?? 1_000_000));
}
