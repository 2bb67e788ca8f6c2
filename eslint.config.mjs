// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { builtinModules } from 'node:module';

/**
 * Workflow code runs in Temporal's deterministic sandbox and `src/domain/` is imported by it,
 * so neither may reach Node built-ins or worker-only packages. Type-only imports are fine:
 * they vanish at compile time (that is how workflows see activities).
 */
const workflowSandboxRestrictions = {
  paths: [...builtinModules, ...builtinModules.map((m) => `node:${m}`)].map((name) => ({
    name,
    message: 'Workflow code and src/domain/ run in the Temporal sandbox: no Node built-ins.',
  })),
  patterns: [
    {
      group: [
        '@temporalio/worker',
        '@temporalio/client',
        '@temporalio/activity',
        '@temporalio/testing',
        '@anthropic-ai/*',
        '@modelcontextprotocol/*',
        'pg',
        'lru-cache',
        'commander',
        '**/activities',
        '**/activities/*',
        '**/store',
        '**/store/*',
        '**/model',
        '**/model/*',
        '**/mcp',
        '**/mcp/*',
        '**/temporal',
        '**/temporal/*',
        '**/workspace',
        '**/workspace/*',
        // The pure domain folders share names with worker folders (domain/mcp beside src/mcp).
        '!**/domain/mcp',
        '!**/domain/workspace',
      ],
      allowTypeImports: true,
      message: 'Worker-only code: import it as a type (import type) or move the logic to src/domain/.',
    },
  ],
};

/**
 * Each domain folder's index is its only way in: a deep import would couple callers to how the
 * folder is split into files.
 */
const domainDeepImports = {
  group: ['**/domain/*/*', '!**/domain/*/index'],
  message: "Import the domain folder's index (for example '../domain/session'), not a file inside it.",
};

/**
 * The worker preloads every workflow and domain module once and shares it between workflow runs
 * (see src/worker/workflow-bundle.ts), so module scope must hold nothing a run could change: a
 * top-level `let` or a module-level collection would leak one session's state into another.
 */
const sharedModuleState = [
  {
    selector: ':matches(Program, ExportNamedDeclaration) > VariableDeclaration[kind!="const"]',
    message:
      'Workflow and domain modules are shared between workflow runs: no module-level let/var (keep state in the workflow).',
  },
  {
    // A lookup table typed ReadonlySet/ReadonlyMap cannot be written to, so it may be shared.
    selector:
      ':matches(Program, ExportNamedDeclaration) > VariableDeclaration > VariableDeclarator:not([id.typeAnnotation.typeAnnotation.typeName.name=/^Readonly/]) > NewExpression[callee.name=/^(Map|Set|WeakMap|WeakSet|Array)$/]',
    message:
      'Workflow and domain modules are shared between workflow runs: no module-level mutable collection (keep state in the workflow, or type a lookup table ReadonlySet/ReadonlyMap).',
  },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'dist',
      '.baton',
      'bench/results',
      'bin/*.js',
      'scripts/*.js',
      'scripts/lib/*.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // ignoreExternal: only our own modules can form cycles, and following into node_modules trips
      // over packages whose exports maps the resolver misreads (lru-cache).
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [domainDeepImports] }] },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          ...workflowSandboxRestrictions,
          patterns: [...workflowSandboxRestrictions.patterns, domainDeepImports],
        },
      ],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          ...workflowSandboxRestrictions,
          patterns: [
            // '../mcp' inside src/domain/ is the pure domain/mcp folder, not the worker's src/mcp.
            ...workflowSandboxRestrictions.patterns.map((p) => ({
              ...p,
              group: [...p.group, '!../mcp', '!../workspace'],
            })),
            // Inside src/domain/, a sibling folder is reached through its index.
            { group: ['../*/*', '!../*/index'], message: domainDeepImports.message },
          ],
        },
      ],
    },
  },
  {
    files: ['src/workflows/**/*.ts', 'src/domain/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', ...sharedModuleState] },
  },
  {
    files: ['**/*.mjs', '**/*.mts'],
    ...tseslint.configs.disableTypeChecked,
  },
);
