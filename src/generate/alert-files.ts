// What `gen-alerts` writes, as the library gives it: the rule file, its promtool tests when asked, and
// the windows too short for the scrape interval (an error unless allowed: such a rule never sees an
// increase in production).
import type { Config } from '../config/types.js';
import { UserError } from '../model.js';
import { formatFinding, windowFindings, type Finding } from './lint.js';
import { generateAlertTests, generateAlerts, type GeneratedAlerts, type RulesFormat } from './rules-file.js';

export interface AlertFilesOptions {
  format?: RulesFormat;
  /** A copy of templates/alerts/ (or of templates/) to use instead of the bundled templates. */
  templatesDir?: string;
  /** Also the promtool test file, naming the rule file by this path (relative to the test file). */
  testsRuleFile?: string;
  /** A window shorter than 2 × scrape_interval is a warning (in `shortWindows`), not an error. */
  allowShortWindows?: boolean;
}

export interface AlertFiles {
  rules: GeneratedAlerts;
  /** The `promtool test rules` file (null unless `testsRuleFile` was given). */
  tests: string | null;
  /** Windows shorter than 2 × scrape_interval, when allowed. */
  shortWindows: Finding[];
}

export function generateAlertFiles(config: Config, opts: AlertFilesOptions = {}): AlertFiles {
  const rules = generateAlerts(config, opts.format ?? 'rules', opts.templatesDir);
  const short = windowFindings(config, rules.rules.map((r) => r.instance));
  if (short.length > 0 && !opts.allowShortWindows) throw new UserError(`${short.map((f) => formatFinding(f, true)).join('\n')}\n(--allow-short-windows writes the rules anyway)`);
  const tests = opts.testsRuleFile === undefined ? null : generateAlertTests(config, rules, opts.testsRuleFile, opts.templatesDir);
  return { rules, tests, shortWindows: short };
}
