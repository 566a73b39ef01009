// The experiment in the address bar: every config field that differs from the default is a query parameter
// named by its dotted key (?sampler.name=random&probe.answers=4), so a link reproduces the experiment. Bad values
// never break the page: they keep the default and are listed for the page to show. Parameters the config does not
// know are left to the rest of the page (the text-generation playground's own settings).
import { configFromQuery, configToQuery, type ExperimentConfig } from '../loop/config.ts';
import { DEFAULT_STATE } from './lab-state.ts';

/** Query parameters the page uses that are not part of an experiment config. */
const PAGE_PARAMETERS = new Set<string>([...Object.keys(DEFAULT_STATE), 'run', 'view']);

export interface UrlConfig {
  config: ExperimentConfig;
  /** one line per parameter that was ignored, naming it and why */
  warnings: string[];
}

export function readUrlConfig(search: string): UrlConfig {
  const { config, problems, ignored } = configFromQuery(search);
  const unknown = ignored.filter((key) => !PAGE_PARAMETERS.has(key)).map((key) => `${key}: not a setting of the lab`);
  return { config, warnings: [...problems, ...unknown] };
}

/** The query string for `config` merged with the page's own parameters already in `search`. */
export function urlWithConfig(search: string, config: ExperimentConfig): string {
  const kept = new URLSearchParams();
  for (const [key, value] of new URLSearchParams(search)) if (PAGE_PARAMETERS.has(key)) kept.set(key, value);
  const query = new URLSearchParams(configToQuery(config).slice(1));
  // an uploaded file lives only in this tab (a blob: URL): a link cannot carry it
  if (config.pool.file.startsWith('blob:')) {
    query.delete('pool.file');
    query.delete('pool.source');
  }
  const configPart = query.toString();
  const text = [configPart, kept.toString()].filter(Boolean).join('&');
  return text ? `?${text}` : '';
}
