// `runbook keys`: which identity signs, its public key, and a ready allowed_signers line.
import os from 'node:os';
import {fingerprint, formatPublicKey, keyTypeOf} from '../core/audit/ssh-wire.js';
import {signatureNamespace} from '../core/audit/signer.js';
import {loadIdentity, settings} from '../store/identity.js';
import {UsageError} from './usage-error.js';

export async function keysCommand(options: {use?: string}): Promise<number> {
	if (options.use !== undefined) {
		const offered = (await loadIdentity()).agentKeys.map((k) => fingerprint(k.blob));
		if (!offered.includes(options.use))
			throw new UsageError(
				`--use ${options.use}: no ssh-agent key has that fingerprint; ${offered.length > 0 ? `the agent offers ${offered.join(', ')}` : 'the agent offers no keys (is SSH_AUTH_SOCK set?)'}`,
			);
		(await settings()).set('identityFingerprint', options.use);
		process.stdout.write(`runbook will sign with the agent key ${options.use} when ssh-agent offers it.\n`);
	}
	const identity = await loadIdentity();
	const key = identity.signer.publicKey;
	const principal = `${os.userInfo().username}@${os.hostname()}`;
	const lines = [
		identity.signer.source === 'agent'
			? `Signing identity: ssh-agent key ${fingerprint(key)} (${keyTypeOf(key)})`
			: `Signing identity: runbook's own key ${fingerprint(key)} in ${identity.keyFile} (no ssh-agent key offered)`,
		'',
		'Public key:',
		`  ${formatPublicKey(key)}`,
		'',
		'allowed_signers line (give auditors this; edit the principal to your e-mail if you like):',
		`  ${principal} namespaces="${signatureNamespace}" ${formatPublicKey(key)}`,
	];
	if (identity.agentKeys.length > 1) {
		lines.push('', 'ssh-agent offers several keys; choose one with `runbook keys --use FINGERPRINT`:');
		for (const k of identity.agentKeys)
			lines.push(`  ${k.blob.equals(key) ? '*' : ' '} ${fingerprint(k.blob)}  ${keyTypeOf(k.blob)}  ${k.comment}`);
	}
	if (identity.note) lines.push('', `note: ${identity.note}`);
	process.stdout.write(`${lines.join('\n')}\n`);
	return 0;
}
