// OpenSSH's SSHSIG signatures (PROTOCOL.sshsig), so an auditor can check ours with
// `ssh-keygen -Y verify` and we can check theirs. Bytes in, bytes and verdicts out.
import {createHash, verify as verifySignature} from 'node:crypto';
import {keyTypeOf, publicKeyFromBlob, sshString, sshUint32, WireReader} from './ssh-wire.js';

const magic = Buffer.from('SSHSIG');

/** The two hashes PROTOCOL.sshsig allows, which `ssh-keygen -Y verify` accepts both of. */
export type SshsigHash = 'sha256' | 'sha512';

/** ssh-keygen's default, and what every signature over a short text uses. */
const defaultHash: SshsigHash = 'sha512';

export const isSshsigHash = (name: string): name is SshsigHash => name === 'sha256' || name === 'sha512';

/** The bytes a key signs: the magic, the namespace, and the hash (SHA-512 unless told) of the message. */
export function sshsigSignedData(
	namespace: string,
	message: Uint8Array,
	hashAlgorithm: SshsigHash = defaultHash,
): Buffer {
	return sshsigSignedDigest(namespace, createHash(hashAlgorithm).update(message).digest(), hashAlgorithm);
}

/** The same, from a digest already computed (of a file hashed while it was written or read). */
export function sshsigSignedDigest(namespace: string, digest: Buffer, hashAlgorithm: SshsigHash = defaultHash): Buffer {
	return Buffer.concat([magic, sshString(namespace), sshString(''), sshString(hashAlgorithm), sshString(digest)]);
}

/** The signature blob: the public key, the namespace, the hash and the key's signature over the signed data. */
export function sshsigBlob(
	publicKeyBlob: Buffer,
	namespace: string,
	signature: Buffer,
	hashAlgorithm: SshsigHash = defaultHash,
): Buffer {
	return Buffer.concat([
		magic,
		sshUint32(1),
		sshString(publicKeyBlob),
		sshString(namespace),
		sshString(''),
		sshString(hashAlgorithm),
		sshString(signature),
	]);
}

/** The armored text `ssh-keygen` writes: base64 in lines of 70 between BEGIN and END. */
export function armorSshsig(blob: Buffer): string {
	const lines = blob.toString('base64').match(/.{1,70}/g) ?? [];
	return `-----BEGIN SSH SIGNATURE-----\n${lines.join('\n')}\n-----END SSH SIGNATURE-----\n`;
}

export type ParsedSshsig = {publicKey: Buffer; namespace: string; hashAlgorithm: string; signature: Buffer};

/** Reads an armored signature or a bare base64 blob. Throws a plain Error on anything else. */
export function parseSshsig(text: string): ParsedSshsig {
	const body = text.replace(/-----(BEGIN|END) SSH SIGNATURE-----/g, '').replace(/\s+/g, '');
	const reader = new WireReader(Buffer.from(body, 'base64'));
	if (!reader.bytesOf(6).equals(magic)) throw new Error('not an SSH signature');
	const version = reader.uint32();
	if (version !== 1) throw new Error(`unsupported SSH signature version ${version}`);
	const publicKey = reader.string();
	const namespace = reader.text();
	reader.string();
	const algorithm = reader.text();
	const signature = reader.string();
	if (!reader.isDone) throw new Error('trailing data after the SSH signature');
	return {publicKey: Buffer.from(publicKey), namespace, hashAlgorithm: algorithm, signature: Buffer.from(signature)};
}

export type SshsigCheck = {isValid: true; publicKey: Buffer} | {isValid: false; reason: string};

/** Checks a signature over `message` in `namespace`; which key made it is for the caller to trust or not. */
export function verifySshsig(message: Uint8Array, text: string, namespace: string): SshsigCheck {
	let parsed: ParsedSshsig;
	try {
		parsed = parseSshsig(text);
	} catch (error) {
		return {isValid: false, reason: (error as Error).message};
	}
	if (parsed.namespace !== namespace)
		return {isValid: false, reason: `signed for namespace \`${parsed.namespace}\`, not \`${namespace}\``};
	if (!isSshsigHash(parsed.hashAlgorithm))
		return {isValid: false, reason: `unsupported hash \`${parsed.hashAlgorithm}\``};
	const signed = sshsigSignedData(namespace, message, parsed.hashAlgorithm);
	try {
		return checkKeySignature(parsed.publicKey, signed, parsed.signature)
			? {isValid: true, publicKey: parsed.publicKey}
			: {isValid: false, reason: 'the signature does not match'};
	} catch (error) {
		return {isValid: false, reason: (error as Error).message};
	}
}

/** An SSH signature blob (`string algorithm, string bytes`) by the key in `publicKeyBlob` over `data`. */
export function checkKeySignature(publicKeyBlob: Buffer, data: Buffer, signatureBlob: Buffer): boolean {
	const reader = new WireReader(signatureBlob);
	const algorithm = reader.text();
	const bytes = reader.string();
	const key = publicKeyFromBlob(publicKeyBlob);
	const type = keyTypeOf(publicKeyBlob);
	if (type === 'ssh-ed25519' && algorithm === 'ssh-ed25519') return verifySignature(null, data, key, bytes);
	if (type === 'ssh-rsa' && (algorithm === 'rsa-sha2-512' || algorithm === 'rsa-sha2-256'))
		return verifySignature(algorithm === 'rsa-sha2-512' ? 'sha512' : 'sha256', data, key, bytes);
	if (type.startsWith('ecdsa-sha2-') && algorithm === type) {
		const inner = new WireReader(bytes);
		const r = inner.string();
		const s = inner.string();
		const hash = type.endsWith('256') ? 'sha256' : type.endsWith('384') ? 'sha384' : 'sha512';
		return verifySignature(hash, data, {key, dsaEncoding: 'der'}, derSignature(r, s));
	}
	throw new Error(`signature algorithm \`${algorithm}\` does not fit a \`${type}\` key`);
}

/** ECDSA (r, s) as mpints -> a DER SEQUENCE for node:crypto. */
function derSignature(r: Buffer, s: Buffer): Buffer {
	const integer = (value: Buffer) => {
		let v = value;
		while (v.length > 1 && v[0] === 0 && (v[1]! & 0x80) === 0) v = v.subarray(1);
		if (v[0]! & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
		return Buffer.concat([Buffer.from([0x02, v.length]), v]);
	};
	const body = Buffer.concat([integer(r), integer(s)]);
	return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}
