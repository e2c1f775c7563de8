// The layer rule, read by eslint.config.mjs and by test/unit/layers.test.ts so both check the same thing.

/** The shared pure modules: no `vscode`, and no import from a capability folder. */
export const CORE = 'src/core';

/**
 * The files that adapt the pure modules to VS Code: registration, trees, panels, editors, commands, and a short
 * list of host services named one by one. Every other file under src/ must not import `vscode`.
 */
export const vscodeAdapters = [
  'src/extension.ts',
  'src/services.ts',
  'src/**/register.ts',
  'src/**/*Tree.ts',
  'src/**/*Panel.ts',
  'src/**/*Editor.ts',
  'src/**/commands/**',
  'src/models/kindAnswers.ts',
  'src/notes/annotations/annotationController.ts',
  'src/notes/markdownFeatures.ts',
  'src/notes/paperNotes.ts',
  'src/notes/notesFolder.ts',
  'src/notes/notesIndex.ts',
  'src/notes/noteDecorations.ts',
  'src/webview/extensionWebview.ts',
  'src/papers/hubToken.ts',
  'src/papers/pickPaper.ts',
  'src/papers/searchPick.ts',
  'src/papers/settings.ts',
  'src/util/disposable.ts',
  'src/util/userSettings.ts',
  'src/util/writeUri.ts',
  'src/webview/webviewPage.ts',
];
