import js from '@eslint/js';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'data/',
      'coverage/',
      'bench/results.json',
      'reports/',
      '.stryker-tmp/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    files: ['widget/**/*.ts', 'widget/**/*.mjs', 'demo/public/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['widget/src/**/*.ts'],
    ...lit.configs['flat/recommended'],
  },
  {
    files: ['widget/src/**/*.ts'],
    ...wc.configs['flat/recommended'],
  },
  {
    files: ['server/**/*.ts'],
    rules: {
      // Browser-bound answers go through the error funnel; a stray console line could leak.
      'no-console': 'error',
    },
  },
);
