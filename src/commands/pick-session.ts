// SESSION left out in a terminal: the operator picks one from the list `runbook sessions` shows
// (or, with `--archive`, from the team archive's list). Without a terminal nothing is guessed.
import {terminalPresenter} from '../ui/presenter.js';
import {archivedSessionRows} from './archive-sessions.js';
import {archiveUrlOf} from './archive-read.js';
import {sessionRows} from './sessions.js';
import {UsageError} from './usage-error.js';

/**
 * SESSION as given; else the one picked in a terminal, newest first; undefined when the operator
 * cancels. Without a terminal, a usage error that says SESSION is needed.
 */
export async function sessionOrPicked(options: {
	command: string;
	session?: string | undefined;
	sessions: string;
	/** `--archive`: pick among the team archive's sessions. */
	archive?: string | true | undefined;
}): Promise<string | undefined> {
	if (options.session !== undefined) return options.session;
	const presenter = terminalPresenter();
	if (!presenter.isInteractive)
		throw new UsageError(`\`runbook ${options.command}\` takes one SESSION; see \`runbook ${options.command} --help\``);
	const rows =
		options.archive !== undefined
			? await archivedSessionRows(archiveUrlOf(options.archive))
			: await sessionRows(options.sessions);
	if (rows.length === 0)
		throw new UsageError(
			options.archive !== undefined
				? 'the archive holds no sessions to pick'
				: `no sessions in ${options.sessions} to pick`,
		);
	return presenter.pickSession(rows, {title: `${options.command} which session?`});
}
