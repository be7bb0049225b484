// ESLint with the TypeScript rules; formatting is Prettier's job, layer rules dependency-cruiser's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{ignores: ['.dependency-cruiser.cjs', 'dist/', 'node_modules/', 'coverage/', 'test/fixtures/', 'scripts/devtools-stub.mjs']},
	js.configs.recommended,
	...tseslint.configs.recommended,
	{
		languageOptions: {
			globals: {
				process: 'readonly',
				console: 'readonly',
				Buffer: 'readonly',
				setTimeout: 'readonly',
				clearTimeout: 'readonly',
				setInterval: 'readonly',
				clearInterval: 'readonly',
				queueMicrotask: 'readonly',
				URL: 'readonly',
				performance: 'readonly',
				TextDecoder: 'readonly',
				TextEncoder: 'readonly',
				globalThis: 'readonly',
				structuredClone: 'readonly',
				AbortController: 'readonly',
				setImmediate: 'readonly',
				fetch: 'readonly',
			},
		},
		rules: {
			'@typescript-eslint/no-unused-vars': [
				'error',
				{argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none'},
			],
			'@typescript-eslint/no-non-null-assertion': 'off',
			'no-control-regex': 'off',
			eqeqeq: ['error', 'always', {null: 'ignore'}],
			'no-console': ['error', {allow: ['error']}],
		},
	},
	{
		files: ['bench/**', 'scripts/**', 'test/**'],
		rules: {'no-console': 'off', '@typescript-eslint/no-explicit-any': 'off'},
	},
);
