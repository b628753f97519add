import { t, uiLanguage } from './i18n';

/**
 * Translates an extension page's static HTML (extension pages get no `__MSG_…__` substitution in HTML):
 * `data-i18n` (a key) sets an element's text, `data-i18n-<attribute>` one of its attributes
 * (`data-i18n-placeholder`, `data-i18n-aria-label`, `data-i18n-title`). The page's `lang` follows the browser's
 * language, so fonts and line breaking suit the text shown.
 */
const ATTRIBUTES = ['placeholder', 'aria-label', 'title', 'value'] as const;

export function localizePage(root: ParentNode = document): void {
  for (const node of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
    node.textContent = t(node.dataset.i18n ?? '');
  }
  for (const attribute of ATTRIBUTES) {
    for (const node of root.querySelectorAll<HTMLElement>(`[data-i18n-${attribute}]`)) {
      const key = node.getAttribute(`data-i18n-${attribute}`) ?? '';
      node.setAttribute(attribute, t(key));
    }
  }
  if (root === document) document.documentElement.lang = uiLanguage();
}
