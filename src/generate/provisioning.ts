// What gen-dashboard writes: the dashboards (bare models for file provisioning, or the HTTP API shape with
// --wrap) and the Grafana file-provisioning YAML that points at them.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Config } from '../config/types.js';
import { UserError } from '../model.js';
import { slug } from '../text.js';
import { BUNDLED_TEMPLATES, buildDashboards, canonicalJson } from './dashboards.js';
import { fillFile } from './template.js';

export interface DashboardOutput {
  /** Absolute directory Grafana reads the dashboards from (options.path of the provisioning file). */
  path: string;
  /** Write `{"dashboard": ..., "overwrite": true, "folderUid": ...}` (Grafana's POST /api/dashboards/db). */
  wrap?: boolean;
  templatesDir?: string;
}

export interface OutputFile {
  name: string;
  text: string;
}

/**
 * The folder's uid: stable for a folder title, URL-safe, at most 40 characters. The provisioning file
 * creates the folder with it, and --wrap files name it, so both ways land in the same folder.
 */
export function folderUid(config: Config): string {
  const title = config.grafana.folder;
  const stem = slug(title, 27) || 'folder';
  return `${stem}-${createHash('sha256').update(title).digest('hex').slice(0, 12)}`;
}

/** The provisioning YAML (apiVersion 1, one file provider reading `path` into the config's folder). */
export function provisioningYaml(config: Config, path: string, templatesDir = BUNDLED_TEMPLATES): string {
  const file = join(templatesDir, 'provisioning.yaml');
  const text = fillFile(file, {
    name: `vtcode-errors: ${config.grafana.folder}`,
    folder: config.grafana.folder,
    folder_uid: folderUid(config),
    path,
  });
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new UserError(`${file}: the filled template is not valid YAML (${(err as Error).message.split('\n')[0]})`);
  }
  const providers = (doc as { providers?: Array<{ type?: string; options?: { path?: unknown } }> } | null)?.providers;
  if ((doc as { apiVersion?: unknown } | null)?.apiVersion !== 1 || !providers?.some((p) => p.type === 'file' && p.options?.path === path)) {
    throw new UserError(`${file}: a provisioning template needs apiVersion: 1 and a provider of type file with options.path: <% path | yaml %>`);
  }
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** `--templates DIR`: a copy of templates/dashboards/, or of the whole templates/ (as gen-alerts takes it). */
export function dashboardTemplatesDir(dir?: string): string {
  if (dir === undefined) return BUNDLED_TEMPLATES;
  if (!existsSync(dir)) throw new UserError(`--templates ${dir}: no such directory`);
  return existsSync(join(dir, 'dashboards', 'overview.json')) ? join(dir, 'dashboards') : dir;
}

/** Every file gen-dashboard writes, in memory: overview.json, provider-<id>.json..., provisioning.yaml (not with wrap). */
export function dashboardFiles(config: Config, out: DashboardOutput): OutputFile[] {
  const templatesDir = dashboardTemplatesDir(out.templatesDir);
  const files = buildDashboards(config, templatesDir).map(({ name, dashboard }) => ({
    name,
    text: canonicalJson(out.wrap ? { dashboard, folderUid: folderUid(config), overwrite: true } : dashboard),
  }));
  // The HTTP API shape is for POST /api/dashboards/db; file provisioning reads bare models only.
  if (!out.wrap) files.push({ name: 'provisioning.yaml', text: provisioningYaml(config, out.path, templatesDir) });
  return files;
}
