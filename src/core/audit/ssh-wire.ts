// SSH wire format (RFC 4251): length-prefixed strings, public key blobs and the
// `ssh-ed25519 AAAA… comment` lines OpenSSH prints. Bytes in, bytes out.
import {createHash, createPublicKey, type KeyObject} from 'node:crypto';

export function sshString(value: Uint8Array | string): Buffer {
	const bytes = typeof value === 'string' ? Buffer.from(value) : Buffer.from(value);
	const length = Buffer.alloc(4);
	length.writeUInt32BE(bytes.length);
	return Buffer.concat([length, bytes]);
}

export function sshUint32(value: number): Buffer {
	const bytes = Buffer.alloc(4);
	bytes.writeUInt32BE(value);
	return bytes;
}

/** Reads SSH wire values in order; throws a plain Error on a short or malformed buffer. */
export class WireReader {
	private at = 0;
	constructor(private readonly bytes: Buffer) {}

	uint32(): number {
		if (this.at + 4 > this.bytes.length) throw new Error('truncated SSH data');
		const value = this.bytes.readUInt32BE(this.at);
		this.at += 4;
		return value;
	}

	bytesOf(length: number): Buffer {
		if (this.at + length > this.bytes.length) throw new Error('truncated SSH data');
		const value = this.bytes.subarray(this.at, this.at + length);
		this.at += length;
		return value;
	}

	string(): Buffer {
		return this.bytesOf(this.uint32());
	}

	text(): string {
		return this.string().toString('utf8');
	}

	get isDone(): boolean {
		return this.at === this.bytes.length;
	}
}

/** The key types runbook can verify. Signing needs an Ed25519 key of our own or any of these in an agent. */
export type SshKeyType =
	'ssh-ed25519' | 'ssh-rsa' | 'ecdsa-sha2-nistp256' | 'ecdsa-sha2-nistp384' | 'ecdsa-sha2-nistp521';

const curves: Record<string, {crv: string; size: number}> = {
	'ecdsa-sha2-nistp256': {crv: 'P-256', size: 32},
	'ecdsa-sha2-nistp384': {crv: 'P-384', size: 48},
	'ecdsa-sha2-nistp521': {crv: 'P-521', size: 66},
};

/** The key type named at the start of a public key blob. */
export function keyTypeOf(blob: Buffer): string {
	return new WireReader(blob).text();
}

/** A public key blob as a node:crypto KeyObject, for verifying. */
export function publicKeyFromBlob(blob: Buffer): KeyObject {
	const reader = new WireReader(blob);
	const type = reader.text();
	const b64url = (bytes: Buffer) => bytes.toString('base64url');
	if (type === 'ssh-ed25519')
		return createPublicKey({key: {kty: 'OKP', crv: 'Ed25519', x: b64url(reader.string())}, format: 'jwk'});
	if (type === 'ssh-rsa') {
		const e = stripZeros(reader.string());
		const n = stripZeros(reader.string());
		return createPublicKey({key: {kty: 'RSA', e: b64url(e), n: b64url(n)}, format: 'jwk'});
	}
	const curve = curves[type];
	if (curve) {
		reader.text();
		const point = reader.string();
		if (point[0] !== 4 || point.length !== 1 + 2 * curve.size) throw new Error(`unsupported ${type} point encoding`);
		return createPublicKey({
			key: {
				kty: 'EC',
				crv: curve.crv,
				x: b64url(point.subarray(1, 1 + curve.size)),
				y: b64url(point.subarray(1 + curve.size)),
			},
			format: 'jwk',
		});
	}
	throw new Error(`unsupported key type \`${type}\``);
}

/** The public key blob of an Ed25519 KeyObject (private or public). */
export function ed25519Blob(key: KeyObject): Buffer {
	const jwk = (key.type === 'private' ? createPublicKey(key) : key).export({format: 'jwk'}) as {x: string};
	return Buffer.concat([sshString('ssh-ed25519'), sshString(Buffer.from(jwk.x, 'base64url'))]);
}

/** `ssh-ed25519 AAAA… comment`. */
export function formatPublicKey(blob: Buffer, comment?: string): string {
	return `${keyTypeOf(blob)} ${blob.toString('base64')}${comment ? ` ${comment}` : ''}`;
}

/** Reads `type base64 [comment]`; throws when the line is not an SSH public key. */
export function parsePublicKey(line: string): {blob: Buffer; type: string; comment: string} {
	const [type, base64, ...rest] = line.trim().split(/\s+/);
	if (!type || !base64) throw new Error('not an SSH public key');
	const blob = Buffer.from(base64, 'base64');
	if (blob.length === 0 || keyTypeOf(blob) !== type) throw new Error('not an SSH public key');
	return {blob, type, comment: rest.join(' ')};
}

/** `SHA256:…`, as `ssh-keygen -l` prints it. */
export function fingerprint(blob: Buffer): string {
	return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

function stripZeros(bytes: Buffer): Buffer {
	let i = 0;
	while (i < bytes.length - 1 && bytes[i] === 0) i++;
	return bytes.subarray(i);
}
