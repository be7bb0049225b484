// Which archive a command uses: `--archive URL`, else RUNBOOK_ARCHIVE, else the `archive`
// setting in runbook's settings folder; none of them, no archive, and nothing changes.
import {configDir, hasSettings} from '../config-dir.js';

export type ArchiveSource = 'flag' | 'env' | 'settings';
export type ArchiveChoice = {url: string; source: ArchiveSource};

type ArchiveSettings = {archive?: string};

async function archiveSettings(env: NodeJS.ProcessEnv) {
	const {default: ConfClass} = await import('conf');
	const dir = configDir(env);
	try {
		const settings = new ConfClass<ArchiveSettings>({
			projectName: 'runbook',
			projectSuffix: '',
			configName: 'settings',
			cwd: dir,
		});
		// conf reads lazily; reading here turns an unusable folder into a reason, not a crash later.
		void settings.store;
		return settings;
	} catch (error) {
		throw new ArchiveUrlError(
			`cannot use the settings in ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
		);
	}
}

/** The stored setting, without loading conf when no settings file exists (most runs: no start-up cost). */
async function storedArchiveUrl(env: NodeJS.ProcessEnv): Promise<string | undefined> {
	if (!hasSettings(env)) return undefined;
	return (await archiveSettings(env)).get('archive');
}

/** The archive to use, and where that choice came from; undefined when none is configured. */
export async function chooseArchive(
	flag: string | undefined,
	env: NodeJS.ProcessEnv = process.env,
): Promise<ArchiveChoice | undefined> {
	if (flag) return {url: checkArchiveUrl(flag), source: 'flag'};
	if (env.RUNBOOK_ARCHIVE) return {url: checkArchiveUrl(env.RUNBOOK_ARCHIVE), source: 'env'};
	const stored = await storedArchiveUrl(env);
	return stored ? {url: stored, source: 'settings'} : undefined;
}

/** `runbook config set archive URL`; an empty URL removes the setting. */
export async function storeArchiveUrl(url: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
	const settings = await archiveSettings(env);
	if (url === '') settings.delete('archive');
	else settings.set('archive', checkArchiveUrl(url));
}

export class ArchiveUrlError extends Error {}

/** A postgres:// or postgresql:// URL, or a one-line reason why not. */
export function checkArchiveUrl(url: string): string {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw new ArchiveUrlError(`the archive must be a postgres:// URL, not ${JSON.stringify(url.slice(0, 80))}`);
	}
	if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:')
		throw new ArchiveUrlError(`the archive must be a postgres:// URL, not a ${parsed.protocol} one`);
	return url;
}
