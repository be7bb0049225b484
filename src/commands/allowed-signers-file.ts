// Reads an allowed_signers file (OpenSSH's format) for verify and for the approvals a run takes.
import {existsSync} from 'node:fs';
import path from 'node:path';
import {parseAllowedSigners, type AllowedSigner} from '../core/audit/allowed-signers.js';
import {configDir} from '../store/identity.js';
import {readText} from '../store/session-files.js';
import {UsageError} from './usage-error.js';

export function readAllowedSigners(file: string, flag = '--allowed-signers'): AllowedSigner[] {
	const read = readText(file);
	if (!read.ok) throw new UsageError(`${flag}: ${read.problem}`);
	const {signers, problems} = parseAllowedSigners(read.text);
	if (problems.length > 0) throw new UsageError(`${file}: ${problems[0]}`);
	return signers;
}

/** Who may give second approvals: `--allowed-signers`, else `allowed_signers` in runbook's settings folder, else anyone but the operator. */
export function approversAllowed(flag: string | undefined): AllowedSigner[] | undefined {
	if (flag !== undefined) return readAllowedSigners(flag);
	const file = path.join(configDir(), 'allowed_signers');
	return existsSync(file) ? readAllowedSigners(file, file) : undefined;
}
