/// <reference types="chrome" />
// The extension's pages and worker see the `chrome` global; nothing under src/engine may use it.
