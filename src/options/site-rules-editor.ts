import { t } from '../shared/i18n';
import { MIB } from '../shared/settings';
import type { SiteMode, SiteRule } from '../shared/site-rules';

/**
 * The options page's per-site rules: one row per site (domain, always / never / as usual, connections and
 * threshold, empty for the general settings), "Add a site", and a remove button per row. The worker validates
 * what is saved (domains normalised, numbers in range), so rows are read as typed.
 */
export interface SiteRulesEditor {
  show(rules: readonly SiteRule[]): void;
  read(): SiteRule[];
}

export function siteRulesEditor(rows: HTMLElement, add: HTMLButtonElement): SiteRulesEditor {
  const addRow = (rule: SiteRule | null) => {
    rows.append(renderRow(rule));
    return rows.lastElementChild as HTMLElement;
  };
  add.addEventListener('click', () => addRow(null).querySelector('input')?.focus());
  return {
    show(rules) {
      rows.replaceChildren();
      for (const rule of rules) addRow(rule);
    },
    read() {
      return [...rows.querySelectorAll<HTMLElement>('.site-rule')]
        .map((row) => {
          const value = (name: string) =>
            (row.querySelector(`[name=${name}]`) as HTMLInputElement | HTMLSelectElement).value.trim();
          const threshold = optionalNumber(value('ruleThresholdMiB'));
          return {
            domain: value('ruleDomain'),
            mode: value('ruleMode') as SiteMode,
            connections: optionalNumber(value('ruleConnections')),
            thresholdBytes: threshold === null ? null : Math.round(threshold * MIB),
          };
        })
        .filter((rule) => rule.domain !== '');
    },
  };
}

function optionalNumber(text: string): number | null {
  return text === '' ? null : Number(text);
}

function renderRow(rule: SiteRule | null): HTMLElement {
  const row = document.createElement('div');
  row.className = 'site-rule';
  const domain = input('ruleDomain', 'text');
  domain.value = rule?.domain ?? '';
  domain.placeholder = 'example.com';
  domain.spellcheck = false;
  const mode = document.createElement('select');
  mode.name = 'ruleMode';
  mode.add(new Option(t('options_rule_auto'), 'auto'));
  mode.add(new Option(t('options_rule_always'), 'always'));
  mode.add(new Option(t('options_rule_never'), 'never'));
  mode.value = rule?.mode ?? 'auto';
  const connections = input('ruleConnections', 'number');
  Object.assign(connections, { min: '1', max: '6', step: '1' });
  connections.value = rule?.connections === null || !rule ? '' : String(rule.connections);
  const threshold = input('ruleThresholdMiB', 'number');
  Object.assign(threshold, { min: '0', step: '1' });
  threshold.value = rule?.thresholdBytes === null || !rule ? '' : String(rule.thresholdBytes / MIB);
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.textContent = t('options_rule_remove');
  const label = () => remove.setAttribute('aria-label', t('options_rule_remove_label', domain.value || '…'));
  label();
  domain.addEventListener('input', label);
  remove.addEventListener('click', () => row.remove());
  row.append(
    labelled(t('options_rule_domain'), domain),
    labelled(t('options_rule_mode'), mode),
    labelled(t('options_rule_connections'), connections),
    labelled(t('options_rule_threshold'), threshold),
    remove,
  );
  return row;
}

function input(name: string, type: string): HTMLInputElement {
  const field = document.createElement('input');
  field.name = name;
  field.type = type;
  return field;
}

function labelled(text: string, control: HTMLElement): HTMLLabelElement {
  const label = document.createElement('label');
  label.className = 'column';
  const caption = document.createElement('span');
  caption.textContent = text;
  label.append(caption, control);
  return label;
}
