// Which archive a command uses: `--archive URL`, else RUNBOOK_ARCHIVE, else the `archive`
// setting in runbook's settings folder; none of them, no archive, and nothing changes.
import {configDir} from '../identity.js';

export type ArchiveSource = 'flag' | 'env' | 'settings';
export type ArchiveChoice = {url: string; source: ArchiveSource};

type ArchiveSettings = {archive?: string};

async function archiveSettings(env: NodeJS.ProcessEnv) {
	const {default: ConfClass} = await import('conf');
	return new ConfClass<ArchiveSettings>({
		projectName: 'runbook',
		projectSuffix: '',
		configName: 'settings',
		cwd: configDir(env),
	});
}

/** The archive to use, and where that choice came from; undefined when none is configured. */
export async function chooseArchive(
	flag: string | undefined,
	env: NodeJS.ProcessEnv = process.env,
): Promise<ArchiveChoice | undefined> {
	if (flag) return {url: checkArchiveUrl(flag), source: 'flag'};
	if (env.RUNBOOK_ARCHIVE) return {url: checkArchiveUrl(env.RUNBOOK_ARCHIVE), source: 'env'};
	const stored = (await archiveSettings(env)).get('archive');
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
