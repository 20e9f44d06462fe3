// @ts-check
import tseslint from 'typescript-eslint';

/**
 * The layers (imports only go downward; see CONTRIBUTING.md):
 *   common → knowledge, nlu, store → core → features (advisor/*, dialogs/*) ; core → jobs, channels
 *   app.ts, server.ts, main.ts, cli.ts, config.ts, features.ts, tools/ are the composition root.
 * Each rule lists what a folder may NOT import, as regular expressions over the import path.
 */
const ROOT_FILES = String.raw`^(\.\./)+(app|server|main|cli|config|features)\.js$`;
const layer = (files, forbidden, why) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: forbidden.map((regex) => ({ regex, message: why })) }],
  },
});

export default tseslint.config(
  { ignores: ['node_modules', '.advisor-data', 'coverage', 'dist', 'src/channels/web/public'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['error', 'warn'] }],
    },
  },
  { files: ['bench/**', 'scripts/**', 'src/cli.ts', 'src/tools/**', 'src/channels/cli/**', 'test/**'], rules: { 'no-console': 'off' } },
  layer(['src/common/**'], [String.raw`^\.\./`, ROOT_FILES], 'common/ is the leaf layer: it imports nothing else from src/'),
  layer(
    ['src/knowledge/**', 'src/nlu/**', 'src/store/**'],
    [String.raw`(^|/)(core|advisor|dialogs|jobs|channels|tools)/`, ROOT_FILES, String.raw`^\.\./(knowledge|nlu|store)/`],
    'knowledge, nlu and store build on common/ only (and not on each other)',
  ),
  layer(['src/core/**'], [String.raw`(^|/)(advisor|dialogs|jobs|channels|tools)/`, ROOT_FILES], 'the core never imports a feature, a channel or the jobs backend'),
  layer(['src/advisor/**', 'src/dialogs/**'], [String.raw`(^|/)(jobs|channels|tools)/`, ROOT_FILES], 'features use the core and its ports, never a channel or a backend'),
  layer(['src/jobs/**'], [String.raw`(^|/)(advisor|dialogs|channels|tools|knowledge|nlu)/`, ROOT_FILES], 'the jobs backend implements a core port on the store'),
  layer(
    ['src/channels/**'],
    [String.raw`(^|/)(advisor|dialogs|jobs|tools|knowledge|nlu)/`, ROOT_FILES, String.raw`^\.\./(web|cli|slack|teams)/`],
    'channel adapters only translate: they import the core (and the store for their own records), never a feature or another channel',
  ),
);
