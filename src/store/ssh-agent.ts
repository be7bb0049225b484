// A minimal ssh-agent client (RFC 9987: list identities, sign). The private key never leaves the agent.
import net from 'node:net';
import {sshString, sshUint32, WireReader} from '../core/audit/ssh-wire.js';

const requestIdentities = 11;
const identitiesAnswer = 12;
const signRequest = 13;
const signResponse = 14;
/** Ask an RSA key for rsa-sha2-512, never the SHA-1 `ssh-rsa` signature. */
const rsaSha2_512 = 0x04;

export type AgentKey = {blob: Buffer; comment: string};

function call(
	socket: string,
	type: number,
	payload: Buffer,
	timeoutMs = 10_000,
): Promise<{type: number; body: Buffer}> {
	return new Promise((resolve, reject) => {
		const connection = net.createConnection(socket);
		const chunks: Buffer[] = [];
		const timer = setTimeout(() => {
			connection.destroy();
			reject(new Error(`ssh-agent did not answer within ${timeoutMs / 1000} s`));
		}, timeoutMs);
		connection.on('connect', () =>
			connection.write(Buffer.concat([sshUint32(payload.length + 1), Buffer.from([type]), payload])),
		);
		connection.on('data', (chunk) => {
			chunks.push(chunk);
			const all = Buffer.concat(chunks);
			if (all.length >= 4 && all.length >= 4 + all.readUInt32BE(0)) {
				clearTimeout(timer);
				connection.end();
				resolve({type: all[4]!, body: all.subarray(5, 4 + all.readUInt32BE(0))});
			}
		});
		connection.on('error', (error) => {
			clearTimeout(timer);
			reject(
				new Error(`cannot reach ssh-agent at ${socket}: ${(error as NodeJS.ErrnoException).code ?? error.message}`),
			);
		});
	});
}

export async function listAgentKeys(socket: string): Promise<AgentKey[]> {
	const answer = await call(socket, requestIdentities, Buffer.alloc(0));
	if (answer.type !== identitiesAnswer) throw new Error('ssh-agent refused to list its keys');
	const reader = new WireReader(answer.body);
	const count = reader.uint32();
	return Array.from({length: count}, () => ({blob: Buffer.from(reader.string()), comment: reader.text()}));
}

export async function agentSign(socket: string, key: Buffer, data: Buffer): Promise<Buffer> {
	const isRsa = new WireReader(key).text() === 'ssh-rsa';
	const answer = await call(
		socket,
		signRequest,
		Buffer.concat([sshString(key), sshString(data), sshUint32(isRsa ? rsaSha2_512 : 0)]),
		120_000,
	);
	if (answer.type !== signResponse)
		throw new Error('ssh-agent refused to sign (a confirm-only key declined, or the key is locked)');
	return Buffer.from(new WireReader(answer.body).string());
}
