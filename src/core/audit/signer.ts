// Who signs: the operator's identity key (an ssh-agent key or runbook's own), behind one shape.
import {armorSshsig, sshsigBlob, sshsigSignedData, sshsigSignedDigest, type SshsigHash} from './sshsig.js';

export type IdentitySigner = {
	/** The SSH public key blob. */
	publicKey: Buffer;
	/** `agent`: a key in ssh-agent; `local`: the key runbook created for this operator. */
	source: 'agent' | 'local';
	/** An SSH signature blob (`string algorithm, string signature`) over `data`. */
	sign(data: Buffer): Promise<Buffer>;
};

/** The namespace of every SSHSIG runbook makes; `ssh-keygen -Y verify -n runbook-session`. */
export const signatureNamespace = 'runbook-session';

/** An armored SSHSIG over `message`, as `ssh-keygen -Y sign -n NAMESPACE` would make it. */
export async function signSshsig(
	signer: IdentitySigner,
	message: Uint8Array,
	namespace = signatureNamespace,
): Promise<string> {
	const signature = await signer.sign(sshsigSignedData(namespace, message));
	return armorSshsig(sshsigBlob(signer.publicKey, namespace, signature));
}

/** The same over a message known only by its digest, made with `hashAlgorithm`. */
export async function signSshsigDigest(
	signer: IdentitySigner,
	digest: {hashAlgorithm: SshsigHash; bytes: Buffer},
	namespace = signatureNamespace,
): Promise<string> {
	const signature = await signer.sign(sshsigSignedDigest(namespace, digest.bytes, digest.hashAlgorithm));
	return armorSshsig(sshsigBlob(signer.publicKey, namespace, signature, digest.hashAlgorithm));
}

/** An armored SSHSIG as the one-line base64 blob a log line carries. */
export function compactSshsig(armored: string): string {
	return armored.replace(/-----(BEGIN|END) SSH SIGNATURE-----/g, '').replace(/\s+/g, '');
}
