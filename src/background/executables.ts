/**
 * File types that run code when opened. The extension's saved file is a download of its own URL, so the
 * browser's download protection and the Mark-of-the-Web name the extension, not the site (README, "Downloads
 * the browser keeps"): such a file from a plain-http page (anyone on the path could have swapped it) is left
 * to the browser, which checks the site's URL and marks the file with it.
 */
const EXECUTABLE_EXTENSIONS = new Set(
  [
    // Windows
    'exe msi msix msixbundle appx bat cmd com scr pif cpl hta ps1 vbs vbe js jse wsf lnk reg dll sys',
    // macOS
    'dmg pkg mpkg app command',
    // Linux and cross-platform
    'sh run appimage deb rpm jar apk xapk aab py pl',
  ]
    .join(' ')
    .split(' '),
);

/** The extension of a file name, lower case, without the dot ('' when none). */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 || dot === name.length - 1 ? '' : name.slice(dot + 1).toLowerCase();
}

export function isExecutableName(name: string): boolean {
  return EXECUTABLE_EXTENSIONS.has(extensionOf(name));
}

/** An executable type reached over plain http (the download's URL or the page that linked it). */
export function isExecutableOverHttp(name: string, urls: readonly (string | null | undefined)[]): boolean {
  return isExecutableName(name) && urls.some((u) => typeof u === 'string' && u.startsWith('http:'));
}
