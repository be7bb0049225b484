// The operator's signing identity, loaded (or made, at first use) for a command that signs.
import {configDir, loadIdentity, type IdentityChoice} from '../store/identity.js';
import {UsageError} from './usage-error.js';

/** Loads the signing identity, saying on stderr what it chose when that is news; a UsageError when it cannot. */
export async function loadSigningIdentity(): Promise<IdentityChoice> {
	try {
		const identity = await loadIdentity();
		if (identity.note) process.stderr.write(`runbook: ${identity.note}\n`);
		return identity;
	} catch (error) {
		throw new UsageError(
			`cannot set up the signing identity in ${configDirOrUnknown()}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; see \`runbook keys\``,
		);
	}
}

/** The settings folder for a message, even when the environment cannot name it. */
export function configDirOrUnknown(): string {
	try {
		return configDir();
	} catch {
		return 'the settings folder';
	}
}
