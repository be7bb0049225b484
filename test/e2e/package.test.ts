// runbook as a user gets it: `npm pack` (which builds), installed from the tarball into a
// private prefix, run from another folder; and dist/runbook-standalone.mjs alone in an empty
// folder, with nothing but node.
import {spawnSync} from 'node:child_process';
import {cpSync, mkdtempSync, readdirSync, symlinkSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {isolatedEnv, repoRoot} from '../helpers/cli.js';

const hasCompiler = ['make', 'g++', 'python3'].every((tool) => spawnSync(tool, ['--version']).status === 0);
const scratch = () => mkdtempSync(path.join(os.tmpdir(), 'runbook-package-'));

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
	const result = spawnSync(command, args, {
		cwd,
		env: {...process.env, ...isolatedEnv, ...env},
		encoding: 'utf8',
		timeout: 240_000,
	});
	return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

/** The demo runbook, copied into a folder of its own: nothing of the repository is beside it. */
function demoElsewhere(): string {
	const dir = scratch();
	cpSync(path.join(repoRoot, 'runbooks/demo.yaml'), path.join(dir, 'demo.yaml'));
	return dir;
}

function expectWorkingCli(runbook: string[], cwd: string, env: Record<string, string> = {}) {
	const version = run(runbook[0]!, [...runbook.slice(1), '--version'], cwd, env);
	expect(version.stderr).toBe('');
	expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
	const dryRun = run(runbook[0]!, [...runbook.slice(1), 'run', 'demo.yaml', '--dry-run'], cwd, env);
	expect(dryRun.code, dryRun.stderr).toBe(0);
	expect(dryRun.stdout).toMatch(/^Dry run of "Demo: widget service release": nothing is run, nothing is recorded\./);
	expect(dryRun.stdout).toContain('== Phase 1/3: Pre-deployment');
}

describe('installing runbook', () => {
	it('`npm pack` builds a tarball whose global install gives a working `runbook`, run from another folder', () => {
		// A copy of the sources, so packing (which builds) never touches the dist/ other tests run.
		const source = scratch();
		for (const entry of ['package.json', 'README.md', 'tsconfig.json', 'bin', 'scripts', 'src', 'schema', 'runbooks'])
			cpSync(path.join(repoRoot, entry), path.join(source, entry), {recursive: true});
		symlinkSync(path.join(repoRoot, 'node_modules'), path.join(source, 'node_modules'));
		const packed = run('npm', ['pack', '--silent', '--pack-destination', source], source);
		expect(packed.code, packed.stderr).toBe(0);
		const tarball = path.join(source, packed.stdout.trim().split('\n').at(-1)!);
		const prefix = scratch();
		const installed = run(
			'npm',
			['install', '-g', '--prefer-offline', '--no-audit', '--no-fund', '--prefix', prefix, tarball],
			scratch(),
		);
		expect(installed.code, installed.stderr).toBe(0);
		const packageDir = path.join(prefix, 'lib/node_modules/runbook');
		expect(readdirSync(path.join(packageDir, 'dist'))).toContain('runbook.mjs');
		expect(readdirSync(packageDir)).not.toContain('src');
		expectWorkingCli([path.join(prefix, 'bin/runbook')], demoElsewhere());
		// node-pty is built from source at install; where a compiler is, interactive steps have it.
		if (hasCompiler) expect(run(process.execPath, ['-e', "require('node-pty')"], packageDir).code).toBe(0);
	}, 300_000);

	it('dist/runbook-standalone.mjs runs alone in an empty folder, with nothing but node', () => {
		const jumpBox = demoElsewhere();
		cpSync(path.join(repoRoot, 'dist/runbook-standalone.mjs'), path.join(jumpBox, 'runbook-standalone.mjs'));
		expect(readdirSync(jumpBox).sort()).toEqual(['demo.yaml', 'runbook-standalone.mjs']);
		// No NODE_PATH or global folder to find packages in: only the file itself.
		expectWorkingCli([process.execPath, 'runbook-standalone.mjs'], jumpBox, {NODE_PATH: ''});
		expectWorkingCli(['./runbook-standalone.mjs'], jumpBox, {NODE_PATH: ''});
	});
});
