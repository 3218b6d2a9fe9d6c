import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'web/dist/', 'bench-results/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The terminal client draws text only through ScreenText, which makes control characters
    // visible (protocol.md §13.9): ink's Text would pass a peer's escape sequences to the terminal.
    files: ['src/cli/**/*.ts', 'src/cli/**/*.tsx'],
    ignores: ['src/cli/chat/ui/ScreenText.tsx'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'ink', importNames: ['Text', 'Transform'], message: 'draw text with ScreenText (src/cli/chat/ui/ScreenText.tsx), which makes control characters visible' }],
      }],
    },
  },
  {
    // The layers of the README's picture: the wire, the sockets and the clients share the
    // vocabulary (src/vocabulary), never the domain (src/core).
    files: ['src/protocol/**/*.ts', 'src/transport/**/*.ts', 'src/client/**/*.ts', 'src/vocabulary/**/*.ts', 'web/src/**/*.ts', 'web/src/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/core/*', '**/core/**'], message: 'the protocol, transports, clients and vocabulary do not import the domain (src/core); shared words live in src/vocabulary' },
        ],
      }],
    },
  },
  {
    // Clients file names with displayKey: the server's nameKey carries Unicode's confusables
    // table (about 30 kB gzipped), which the browser bundle does without.
    files: ['src/client/**/*.ts', 'src/cli/chat/**/*.ts', 'src/cli/chat/**/*.tsx', 'web/src/**/*.ts', 'web/src/**/*.tsx'],
    ignores: ['src/cli/chat/ui/ScreenText.tsx'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/core/*', '**/core/**'], message: 'the clients do not import the domain (src/core); shared words live in src/vocabulary' },
          { group: ['**/vocabulary/name-keys*', '**/vocabulary/confusables*'], message: 'clients file names with displayKey (vocabulary/names.ts); the confusables table stays on the server' },
        ],
        paths: [{ name: 'ink', importNames: ['Text', 'Transform'], message: 'draw text with ScreenText (src/cli/chat/ui/ScreenText.tsx), which makes control characters visible' }],
      }],
    },
  },
);
