// `runbook verify`: checks a session log and exits with its verdict.
import {verdictExitCodes, verifyLog, type Trust, type VerifyReport} from '../core/audit/verify.js';
import {readSession, streamSession} from '../store/session-files.js';
import {StreamingVerifier} from '../core/audit/verify-stream.js';
import {readAllowedSigners} from './allowed-signers-file.js';
import {ownPublicKeys} from '../store/identity.js';
import {UsageError} from './usage-error.js';
import {sessionIdOf} from './session-id.js';

export async function verifyCommand(options: {
	session: string;
	sessions: string;
	allowedSigners?: string;
	principal?: string;
	isJson: boolean;
	/** `--archive`: compare with the team archive's copy, or verify that copy when there is no local log. */
	archive?: string | true;
}): Promise<number> {
	let trust: Trust;
	if (options.allowedSigners !== undefined) {
		trust = {
			allowedSigners: readAllowedSigners(options.allowedSigners),
			...(options.principal !== undefined ? {principal: options.principal} : {}),
		};
	} else {
		if (options.principal !== undefined) throw new UsageError('--principal needs --allowed-signers');
		try {
			trust = {ownKeys: await ownPublicKeys()};
		} catch (error) {
			throw new UsageError(
				`cannot read your own signing key to trust it: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; give --allowed-signers instead`,
			);
		}
	}
	if (options.archive !== undefined) {
		// The archive's client is loaded only for --archive: a local verify does without it.
		const {verifyArchivedCommand} = await import('./archive-read.js');
		return verifyArchivedCommand({...options, archive: options.archive}, trust);
	}
	const {log, report} = verifySessionLog(options.session, options.sessions, trust);
	if (options.isJson) process.stdout.write(`${JSON.stringify({file: log, ...report}, null, 2)}\n`);
	else process.stdout.write(`${log}\n${report.summary}\n${report.warnings.map((w) => `warning: ${w}\n`).join('')}`);
	return verdictExitCodes[report.verdict];
}

/**
 * Streams the log through the checks, which vouch for a sealed log with nothing wrong; any other
 * log is read whole and verified again, for the report that says what and where.
 */
function verifySessionLog(session: string, sessions: string, trust: Trust): {log: string; report: VerifyReport} {
	let streaming: StreamingVerifier | undefined;
	const streamed = streamSession(
		session,
		sessions,
		(chunk) => streaming!.push(chunk),
		(sig) => (streaming = new StreamingVerifier(sig)),
	);
	if (streamed.ok) {
		const report = streaming!.finish(streamed.sig, trust, sessionIdOf(streamed.log));
		if (report) return {log: streamed.log, report};
	}
	const read = readSession(session, sessions);
	if (!read.ok) throw new UsageError(read.problem);
	const report = verifyLog(read.files.bytes, read.files.sig, trust, {expectedSession: sessionIdOf(read.files.log)});
	return {log: read.files.log, report};
}
