// Which session a log file stands for. A module of its own: `verify` needs only this of export's
// module, and importing that would load the exporters (and RE2 with them) at verify's start-up.
import path from 'node:path';
import {isSessionIdShaped} from '../store/sessions-dir.js';

/** The session a log stands for by where it lies: `…/ID/session.jsonl`; none for a log under another name, or in a directory not named like an id. */
export function sessionIdOf(logFile: string): string | undefined {
	if (logFile.startsWith('archive:')) return logFile.slice('archive:'.length);
	const dirName = path.basename(path.dirname(path.resolve(logFile)));
	return path.basename(logFile) === 'session.jsonl' && isSessionIdShaped(dirName) ? dirName : undefined;
}
