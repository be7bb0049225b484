// Reads an allowed_signers file (OpenSSH's format) for verify and for the approvals a run takes.
import path from 'node:path';
import {parseAllowedSigners, type AllowedSigner} from '../core/audit/allowed-signers.js';
import {configDir} from '../store/identity.js';
import {readText, readTextIfPresent} from '../store/session-files.js';
import {UsageError} from './usage-error.js';

/** The signers in `file` (given with `--allowed-signers`); a UsageError names the file and the problem. */
export function readAllowedSigners(file: string): AllowedSigner[] {
	return signersIn(file, readText(file), '--allowed-signers');
}

/** Who may give second approvals: `--allowed-signers`, else `allowed_signers` in runbook's settings folder, else anyone but the operator. */
export function approversAllowed(flag: string | undefined): AllowedSigner[] | undefined {
	if (flag !== undefined) return readAllowedSigners(flag);
	const file = path.join(configDir(), 'allowed_signers');
	const read = readTextIfPresent(file);
	return read && signersIn(file, read, file);
}

function signersIn(file: string, read: ReturnType<typeof readText>, label: string): AllowedSigner[] {
	if (!read.ok) throw new UsageError(`${label}: ${read.problem}`);
	const {signers, problems} = parseAllowedSigners(read.text);
	if (problems.length > 0) throw new UsageError(`${file}: ${problems[0]}`);
	return signers;
}
