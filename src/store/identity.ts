// The operator's signing identity: a key offered by ssh-agent (chosen by fingerprint in the
// settings when there are several), else an Ed25519 key runbook creates for the operator.
import {createPrivateKey, randomBytes, sign, type KeyObject} from 'node:crypto';
import {existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import type Conf from 'conf';
import type {IdentitySigner} from '../core/audit/signer.js';
import {ed25519Blob, fingerprint, formatPublicKey, keyTypeOf, sshString} from '../core/audit/ssh-wire.js';
import {agentSign, listAgentKeys, type AgentKey} from './ssh-agent.js';
import {configDir} from './config-dir.js';

type Settings = {identityFingerprint?: string};

/**
 * runbook's settings, in conf's default per-user folder; tests point it elsewhere with
 * XDG_CONFIG_HOME. Loaded only when a setting is read or written: conf (and the schema
 * validator it brings) costs ~50 ms at start-up.
 */
export async function settings(): Promise<Conf<Settings>> {
	const {default: ConfClass} = await import('conf');
	return new ConfClass<Settings>({projectName: 'runbook', projectSuffix: '', configName: 'settings', cwd: configDir()});
}

export {configDir};

const keyFile = (env: NodeJS.ProcessEnv) => path.join(configDir(env), 'identity_ed25519');

export type IdentityChoice = {signer: IdentitySigner; agentKeys: AgentKey[]; keyFile?: string; note?: string};

/** Finds the identity to sign with; creates the local key the first time it is needed. */
export async function loadIdentity(env: NodeJS.ProcessEnv = process.env): Promise<IdentityChoice> {
	const socket = env.SSH_AUTH_SOCK;
	let agentKeys: AgentKey[] = [];
	let note: string | undefined;
	if (socket) {
		try {
			agentKeys = (await listAgentKeys(socket)).filter(
				(k) =>
					['ssh-ed25519', 'ssh-rsa'].includes(keyTypeOf(k.blob)) || keyTypeOf(k.blob).startsWith('ecdsa-sha2-nistp'),
			);
		} catch (error) {
			note = `${(error as Error).message}; using runbook's own key`;
		}
	}
	if (agentKeys.length > 0) {
		const wanted = agentKeys.length > 1 ? (await settings()).get('identityFingerprint') : undefined;
		const chosen = (wanted && agentKeys.find((k) => fingerprint(k.blob) === wanted)) || agentKeys[0]!;
		if (wanted && fingerprint(chosen.blob) !== wanted)
			note = `no agent key has the configured fingerprint ${wanted}; using ${fingerprint(chosen.blob)}`;
		return {
			signer: {publicKey: chosen.blob, source: 'agent', sign: (data) => agentSign(socket!, chosen.blob, data)},
			agentKeys,
			...(note ? {note} : {}),
		};
	}
	const {privateKey, file} = localKey(env);
	const publicKey = ed25519Blob(privateKey);
	return {
		signer: {
			publicKey,
			source: 'local',
			sign: async (data) => Buffer.concat([sshString('ssh-ed25519'), sshString(sign(null, data, privateKey))]),
		},
		agentKeys,
		keyFile: file,
		...(note ? {note} : {}),
	};
}

/**
 * A new Ed25519 key from 32 random bytes. Not generateKeyPairSync: on Node 20 a garbage
 * collection during the export of such a key can deadlock (the key-generation job's destructor
 * takes the lock the export holds; fixed in later Node).
 */
export function newEd25519Key(): KeyObject {
	const pkcs8Prefix = Buffer.from('302e020100300506032b657004220420', 'hex');
	return createPrivateKey({key: Buffer.concat([pkcs8Prefix, randomBytes(32)]), format: 'der', type: 'pkcs8'});
}

function localKey(env: NodeJS.ProcessEnv): {privateKey: KeyObject; file: string} {
	const file = keyFile(env);
	if (existsSync(file)) return {privateKey: createPrivateKey(readFileSync(file)), file};
	mkdirSync(path.dirname(file), {recursive: true, mode: 0o700});
	const privateKey = newEd25519Key();
	// Written whole under a temporary name, then linked into place: of two first runs at once,
	// one key wins and the other run reads it, never a half-written file.
	const draft = `${file}.${process.pid}.tmp`;
	writeFileSync(draft, privateKey.export({format: 'pem', type: 'pkcs8'}), {mode: 0o600});
	try {
		linkSync(draft, file);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		return {privateKey: createPrivateKey(readFileSync(file)), file};
	} finally {
		unlinkSync(draft);
	}
	writeFileSync(`${file}.pub`, `${formatPublicKey(ed25519Blob(privateKey), 'runbook')}\n`, {mode: 0o644});
	return {privateKey, file};
}

/** The keys a log of this operator may be signed by: their agent's and runbook's own, if made. */
export async function ownPublicKeys(env: NodeJS.ProcessEnv = process.env): Promise<Buffer[]> {
	const keys: Buffer[] = [];
	if (env.SSH_AUTH_SOCK) {
		try {
			keys.push(...(await listAgentKeys(env.SSH_AUTH_SOCK)).map((k) => k.blob));
		} catch {
			// No agent to ask: only runbook's own key can be the operator's.
		}
	}
	const file = keyFile(env);
	if (existsSync(file)) keys.push(ed25519Blob(createPrivateKey(readFileSync(file))));
	return keys;
}
