// VT Code provider ids, the display labels that map to them, and how a missing provider is inferred
// (DESIGN.md §2, §9). Data, not code: one engine (../providers.ts) reads it.
export const PROVIDERS = {
  "ids": [
    "gemini",
    "openai",
    "anthropic",
    "copilot",
    "deepseek",
    "meta",
    "openrouter",
    "ollama",
    "ollama-cloud",
    "lmstudio",
    "llamacpp",
    "moonshot",
    "zai",
    "minimax",
    "mimo",
    "mistral",
    "huggingface",
    "opencode-zen",
    "opencode-go",
    "qwen",
    "stepfun",
    "evolink",
    "poolside",
    "xai",
    "nvidia",
    "merge-gateway"
  ],
  "labels": {
    "google": "gemini",
    "google gemini": "gemini",
    "google ai studio": "gemini",
    "vertex ai gemini": "gemini",
    "claude": "anthropic",
    "anthropic claude": "anthropic",
    "github copilot": "copilot",
    "meta llama": "meta",
    "llama api": "meta",
    "moonshot ai": "moonshot",
    "moonshotai": "moonshot",
    "kimi": "moonshot",
    "z.ai": "zai",
    "zhipu": "zai",
    "zhipu ai": "zai",
    "glm": "zai",
    "mistral ai": "mistral",
    "mistralai": "mistral",
    "hugging face": "huggingface",
    "opencode zen": "opencode-zen",
    "opencode go": "opencode-go",
    "alibaba qwen": "qwen",
    "dashscope": "qwen",
    "x.ai": "xai",
    "grok": "xai",
    "nvidia nim": "nvidia",
    "lm studio": "lmstudio",
    "llama.cpp": "llamacpp",
    "llama-cpp": "llamacpp",
    "ollama cloud": "ollama-cloud",
    "merge gateway": "merge-gateway",
    "xiaomi mimo": "mimo"
  },
  "hosts": [
    [
      "api.openai.com",
      "openai"
    ],
    [
      "api.anthropic.com",
      "anthropic"
    ],
    [
      "generativelanguage.googleapis.com",
      "gemini"
    ],
    [
      "aiplatform.googleapis.com",
      "gemini"
    ],
    [
      "api.deepseek.com",
      "deepseek"
    ],
    [
      "openrouter.ai",
      "openrouter"
    ],
    [
      "api.x.ai",
      "xai"
    ],
    [
      "api.mistral.ai",
      "mistral"
    ],
    [
      "api.moonshot.ai",
      "moonshot"
    ],
    [
      "api.moonshot.cn",
      "moonshot"
    ],
    [
      "api.z.ai",
      "zai"
    ],
    [
      "open.bigmodel.cn",
      "zai"
    ],
    [
      "api.minimax",
      "minimax"
    ],
    [
      "dashscope",
      "qwen"
    ],
    [
      "integrate.api.nvidia.com",
      "nvidia"
    ],
    [
      "huggingface.co",
      "huggingface"
    ],
    [
      ":11434",
      "ollama"
    ],
    [
      ":1234",
      "lmstudio"
    ]
  ],
  "models": [
    [
      "^gemini-",
      "gemini"
    ],
    [
      "^claude-",
      "anthropic"
    ],
    [
      "^(gpt-|o1$|o1-|o3$|o3-|o4$|o4-)",
      "openai"
    ],
    [
      "^deepseek-",
      "deepseek"
    ],
    [
      "^grok-",
      "xai"
    ],
    [
      "^(kimi-|moonshot-)",
      "moonshot"
    ],
    [
      "^glm-",
      "zai"
    ],
    [
      "^(mistral-|codestral-)",
      "mistral"
    ],
    [
      "^qwen",
      "qwen"
    ]
  ]
} satisfies {
  ids: string[];
  labels: Record<string, string>;
  hosts: Array<[string, string]>;
  models: Array<[string, string]>;
};
