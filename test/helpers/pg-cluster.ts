// A private PostgreSQL for a test file, through scripts/pg-test-cluster.sh: started in
// beforeAll, destroyed in afterAll. Without PostgreSQL's binaries the tests skip and say so.
import {execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll} from 'vitest';
import {Archive} from '../../src/store/archive/client.js';
import {skipUnless} from './skip.js';

const script = fileURLToPath(new URL('../../scripts/pg-test-cluster.sh', import.meta.url));
const pgBin = process.env.PG_BIN || '/usr/lib/postgresql/15/bin';

export const hasPostgres = existsSync(`${pgBin}/initdb`) && existsSync(`${pgBin}/pg_ctl`);

/** `it`, or a visible skip when PostgreSQL is not installed. */
export const itWithPostgres = skipUnless(hasPostgres, `PostgreSQL's binaries are not in ${pgBin}`);

export class TestCluster {
	private constructor(
		readonly dir: string,
		/** The superuser's URL (trust authentication on loopback). */
		public url: string,
	) {}

	/** initdb and start; undefined without PostgreSQL (the tests then skip). */
	static start(): TestCluster | undefined {
		if (!hasPostgres) return undefined;
		const dir = mkdtempSync(path.join(os.tmpdir(), 'runbook-pg-'));
		return new TestCluster(dir, run('start', dir));
	}

	/** Stops the server; its data stays for `restart`. */
	stop(): void {
		run('stop', this.dir);
	}

	/** Starts it again, on the same port when it is still free. */
	restart(): void {
		this.url = run('start', this.dir);
	}

	destroy(): void {
		run('destroy', this.dir);
	}

	/** A URL for another role of the same cluster. */
	urlFor(role: string): string {
		const url = new URL(this.url);
		url.username = role;
		return url.toString();
	}
}

function run(command: string, dir: string): string {
	return execFileSync(script, [command, dir], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']}).trim();
}

/**
 * A private cluster with the archive schema for one test file: started before its tests (none
 * when PostgreSQL is missing, and the tests skip), destroyed after. `admin` is the owner's client.
 */
export function archiveClusterPerFile(): {cluster: TestCluster | undefined; admin: Archive} {
	const fixture = {cluster: undefined as TestCluster | undefined, admin: undefined as unknown as Archive};
	beforeAll(async () => {
		fixture.cluster = TestCluster.start();
		if (!fixture.cluster) return;
		fixture.admin = await Archive.connect(fixture.cluster.url);
		await fixture.admin.init();
	}, 60_000);
	afterAll(async () => {
		await fixture.admin?.close();
		fixture.cluster?.destroy();
	});
	return fixture;
}
