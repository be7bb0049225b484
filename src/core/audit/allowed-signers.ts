// OpenSSH `allowed_signers` (ssh-keygen(1), ALLOWED SIGNERS): who may sign, with which key,
// for which namespaces and when. Text in, matches out. Pure.
import {parsePublicKey} from './ssh-wire.js';

export type AllowedSigner = {
	principals: string[];
	key: Buffer;
	namespaces?: string[];
	validAfter?: Date;
	validBefore?: Date;
	isCertAuthority: boolean;
	line: number;
};

/** Parses the file; a line that cannot be read is a problem with its line number. */
export function parseAllowedSigners(text: string): {signers: AllowedSigner[]; problems: string[]} {
	const signers: AllowedSigner[] = [];
	const problems: string[] = [];
	text.split('\n').forEach((raw, index) => {
		const line = raw.trim();
		if (line === '' || line.startsWith('#')) return;
		const tokens = line.match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
		const principals = tokens.shift()!.replace(/^"|"$/g, '').split(',');
		const signer: AllowedSigner = {principals, key: Buffer.alloc(0), isCertAuthority: false, line: index + 1};
		while (tokens.length > 0 && !/^(ssh-|ecdsa-|sk-)/.test(tokens[0]!)) {
			for (const option of tokens.shift()!.split(',')) {
				const [name, value] = option.split('=') as [string, string | undefined];
				const unquoted = value?.replace(/^"|"$/g, '');
				if (name.toLowerCase() === 'cert-authority') signer.isCertAuthority = true;
				else if (name.toLowerCase() === 'namespaces' && unquoted) signer.namespaces = unquoted.split(',');
				else if (name.toLowerCase() === 'valid-after' && unquoted) signer.validAfter = parseStamp(unquoted);
				else if (name.toLowerCase() === 'valid-before' && unquoted) signer.validBefore = parseStamp(unquoted);
			}
		}
		try {
			signer.key = parsePublicKey(tokens.join(' ')).blob;
			signers.push(signer);
		} catch {
			problems.push(`line ${index + 1}: no SSH public key`);
		}
	});
	return {signers, problems};
}

/** The principals that may have made a signature with `key` in `namespace` at `when`. */
export function principalsFor(signers: AllowedSigner[], key: Buffer, namespace: string, when: Date): string[] {
	return signers
		.filter((s) => !s.isCertAuthority && s.key.equals(key))
		.filter((s) => !s.namespaces || s.namespaces.some((pattern) => matches(pattern, namespace)))
		.filter((s) => (!s.validAfter || when >= s.validAfter) && (!s.validBefore || when < s.validBefore))
		.flatMap((s) => s.principals);
}

/** ssh's wildcard patterns: `*` and `?`, and `!` to negate. */
export function principalMatches(patterns: string[], principal: string): boolean {
	if (patterns.some((p) => p.startsWith('!') && matches(p.slice(1), principal))) return false;
	return patterns.some((p) => !p.startsWith('!') && matches(p, principal));
}

function matches(pattern: string, value: string): boolean {
	const regex = new RegExp(
		`^${pattern
			.replace(/[.+^${}()|[\]\\]/g, '\\$&')
			.replace(/\*/g, '.*')
			.replace(/\?/g, '.')}$`,
	);
	return regex.test(value);
}

/** `YYYYMMDD[HHMM[SS]][Z]`. */
function parseStamp(text: string): Date | undefined {
	const m = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?(Z)?$/.exec(text);
	if (!m) return undefined;
	const [, y, mo, d, h = '00', mi = '00', s = '00', z] = m;
	const iso = `${y}-${mo}-${d}T${h}:${mi}:${s}${z ? 'Z' : ''}`;
	return new Date(iso);
}
