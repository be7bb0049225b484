// The archive's sender for `run`, started by the CLI as soon as it has read the arguments: its
// thread boots, loads node-postgres and connects on the other core while this one loads the
// screen and sets up the session (about 250 ms), instead of during the first step, where it
// would compete with the step's output for the cores. A run with no archive configured loads
// nothing of it.
import {hasSettings} from '../store/config-dir.js';
import type {PreparedArchiveStream} from './archive-stream.js';

/**
 * The sender for the archive `flag` (true: the configured one), RUNBOOK_ARCHIVE or the setting
 * would choose, once its thread is started; undefined when none may be configured. Never
 * rejects: an unusable choice is the run's to report, when it chooses its archive.
 */
export async function prepareRunArchive(
	flag: string | true | undefined,
	env: NodeJS.ProcessEnv = process.env,
): Promise<PreparedArchiveStream | undefined> {
	if (flag === undefined && !env.RUNBOOK_ARCHIVE && !hasSettings(env)) return undefined;
	try {
		// All at once: archive-stream imports the sender's module only once it is called.
		const [{chooseArchive}, {prepareArchiveStream}] = await Promise.all([
			import('../store/archive/config.js'),
			import('./archive-stream.js'),
			import('../store/archive/sender-thread.js'),
		]);
		return await prepareArchiveStream(await chooseArchive(flag === true ? undefined : flag, env));
	} catch {
		return undefined;
	}
}
