// Lint: a small rule set that finds real defects (unawaited promises, promises where a callback is expected,
// `any`, value imports used only as types) and keeps `vscode` out of the pure modules, so they stay testable
// outside the extension host. Formatting is Prettier's job (`npm run format`), not ESLint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The files that adapt the pure core to VS Code: registration, trees, panels, editors, commands and the few
 * host services. Everything else under src/ must not import `vscode` (checked here and by the import-walker test).
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
  'src/notes/noteCommands.ts',
  'src/notes/notesFolder.ts',
  'src/notes/notesIndex.ts',
  'src/notes/paperResource.ts',
  'src/panels/extensionWebview.ts',
  'src/papers/hubToken.ts',
  'src/papers/pickPaper.ts',
  'src/papers/searchPick.ts',
  'src/papers/settings.ts',
  'src/util/disposable.ts',
  'src/util/errors.ts',
  'src/util/userSettings.ts',
  'src/zoo/findModels.ts',
];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test-results/**', 'media/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      // Heavy modules are required on first use (activation stays cheap), so `require` is deliberate.
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: vscodeAdapters,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'vscode',
              message:
                'Pure modules do not import vscode: put host code in register.ts, a *Tree/*Panel/*Editor file or commands/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        performance: 'readonly',
      },
    },
  },
);
