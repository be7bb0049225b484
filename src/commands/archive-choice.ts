// Which archive a command uses, as a usage error when there is none or it cannot be reached.
// Kept apart from the archive commands so that a command needing only this loads little.
import {ArchiveUrlError, chooseArchive, type ArchiveChoice} from '../store/archive/config.js';
import {Archive, ArchiveError} from '../store/archive/client.js';
import {UsageError} from './usage-error.js';

/** The archive a command must have: `--archive`, RUNBOOK_ARCHIVE or the setting, else a usage error. */
export async function requireArchive(flag: string | undefined, env = process.env): Promise<ArchiveChoice> {
	let choice: ArchiveChoice | undefined;
	try {
		choice = await chooseArchive(flag, env);
	} catch (error) {
		if (error instanceof ArchiveUrlError) throw new UsageError(error.message);
		throw error;
	}
	if (!choice)
		throw new UsageError(
			'no archive configured: give --archive postgres://…, set RUNBOOK_ARCHIVE, or run `runbook config set archive postgres://…`',
		);
	return choice;
}

/** The archive configured, if any (a malformed URL is a usage error); none is no error. */
export async function requireArchiveIfAny(
	flag: string | undefined,
	env = process.env,
): Promise<ArchiveChoice | undefined> {
	try {
		return await chooseArchive(flag, env);
	} catch (error) {
		if (error instanceof ArchiveUrlError) throw new UsageError(error.message);
		throw error;
	}
}

/** Connects, or a one-line reason (exit 2) when the archive cannot be reached. */
export async function connectArchive(choice: ArchiveChoice): Promise<Archive> {
	try {
		return await Archive.connect(choice.url);
	} catch (error) {
		if (error instanceof ArchiveError) throw new UsageError(error.message);
		throw error;
	}
}

/** Runs `body` connected to the archive; what the archive refuses becomes a one-line usage error. */
export async function withArchive<T>(flag: string | undefined, body: (archive: Archive) => Promise<T>): Promise<T> {
	const archive = await connectArchive(await requireArchive(flag));
	try {
		return await body(archive);
	} catch (error) {
		if (error instanceof ArchiveError) throw new UsageError(error.message);
		throw error;
	} finally {
		await archive.close();
	}
}

/** `--archive` given bare means the configured archive. */
export function archiveUrlOf(flag: string | true | undefined): string | undefined {
	return flag === true ? undefined : flag;
}
