// Whether the runner that wrote a session log still runs it: what `resume`, `watch` and `approve`
// ask before they take over, follow or hand in. The process table is exec's to read.
import type {ReadLog} from '../core/audit/read-log.js';
import {isRunnerAlive} from '../exec/process-identity.js';

/** The log's last runner (its latest pid) is a runbook process running now. */
export function isRunnerRunning(read: Pick<ReadLog, 'runnerPid'>): boolean {
	return isRunnerAlive(read.runnerPid);
}
