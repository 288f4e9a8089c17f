// Public API of the classification module.
export {
  classify,
  innerStatus,
  normaliseErrorType,
  statusInText,
  SCAN_LIMIT,
  type Classification,
  type ClassifyInput,
} from './classify.js';
export { bodyMessage, isJsonBody, BODY_PARSE_LIMIT } from './body.js';
export { redact, REDACTED } from './redact.js';
