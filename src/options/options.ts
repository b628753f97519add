import { t } from '../shared/i18n';
import { localizePage } from '../shared/i18n-dom';
import { request } from '../shared/messenger';
import { MIB, type Settings } from '../shared/settings';
import { wireAria2Section } from './aria2-section';
import { siteRulesEditor } from './site-rules-editor';

localizePage();

const form = document.querySelector<HTMLFormElement>('#settings')!;
const status = document.querySelector<HTMLOutputElement>('#status')!;
const siteRules = siteRulesEditor(
  document.querySelector<HTMLElement>('#site-rule-rows')!,
  document.querySelector<HTMLButtonElement>('#add-site-rule')!,
);

function field<T extends HTMLInputElement | HTMLTextAreaElement>(name: string): T {
  return form.elements.namedItem(name) as T;
}

/** The settings as last loaded or saved: fields this form does not show are kept as they are. */
let loaded: Settings | null = null;

function show(settings: Settings): void {
  loaded = settings;
  field<HTMLInputElement>('autoCapture').checked = settings.autoCapture;
  field<HTMLInputElement>('thresholdMiB').value = String(Math.round(settings.thresholdBytes / MIB));
  field<HTMLInputElement>('connectionsPerDownload').value = String(settings.connectionsPerDownload);
  field<HTMLInputElement>('concurrentDownloads').value = String(settings.concurrentDownloads);
  field<HTMLTextAreaElement>('excludedDomains').value = settings.excludedDomains.join('\n');
  siteRules.show(settings.siteRules);
  field<HTMLInputElement>('overallLimitMiB').value = String(settings.overallLimitBytesPerSecond / MIB);
  field<HTMLInputElement>('perDownloadLimitMiB').value = String(
    settings.perDownloadLimitBytesPerSecond / MIB,
  );
  field<HTMLInputElement>('sendToAria2').checked = settings.sendToAria2;
  field<HTMLInputElement>('aria2RpcUrl').value = settings.aria2RpcUrl;
  field<HTMLInputElement>('aria2Secret').value = settings.aria2Secret;
  field<HTMLInputElement>('notifyOnFinish').checked = settings.notifyOnFinish;
}

function read(): Settings {
  if (loaded === null) throw new Error(t('options_not_loaded'));
  return {
    ...loaded,
    autoCapture: field<HTMLInputElement>('autoCapture').checked,
    thresholdBytes: Math.round(Number(field<HTMLInputElement>('thresholdMiB').value) * MIB),
    connectionsPerDownload: Number(field<HTMLInputElement>('connectionsPerDownload').value),
    concurrentDownloads: Number(field<HTMLInputElement>('concurrentDownloads').value),
    excludedDomains: field<HTMLTextAreaElement>('excludedDomains')
      .value.split(/[\s,]+/)
      .filter(Boolean),
    siteRules: siteRules.read(),
    overallLimitBytesPerSecond: Math.round(Number(field<HTMLInputElement>('overallLimitMiB').value) * MIB),
    perDownloadLimitBytesPerSecond: Math.round(
      Number(field<HTMLInputElement>('perDownloadLimitMiB').value) * MIB,
    ),
    sendToAria2: field<HTMLInputElement>('sendToAria2').checked,
    aria2RpcUrl: field<HTMLInputElement>('aria2RpcUrl').value.trim(),
    aria2Secret: field<HTMLInputElement>('aria2Secret').value,
    notifyOnFinish: field<HTMLInputElement>('notifyOnFinish').checked,
  };
}

function say(text: string, isError = false): void {
  status.textContent = text;
  status.classList.toggle('error', isError);
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    // The worker validates and stores; it answers with the settings as saved (domains normalised).
    show(await request({ type: 'settings/set', settings: read() }));
    say(t('options_saved'));
  } catch (error) {
    say(error instanceof Error ? error.message : String(error), true);
  }
});

wireAria2Section(form);
request({ type: 'settings/get' }).then(show, (error: unknown) => say(String(error), true));
