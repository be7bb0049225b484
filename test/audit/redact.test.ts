import {describe, expect, it} from 'vitest';
import {secretForms, StreamRedactor} from '../../src/core/audit/redact.js';

const secret = 'S3cr3t-Pa55w0rd!';

/** Feeds `chunks` through a fresh redactor for `secrets` and returns everything it emitted. */
function stream(chunks: string[], secrets = [{name: 'db_password', value: secret}]) {
	const redactor = new StreamRedactor(secrets);
	let out = '';
	let count = 0;
	for (const chunk of chunks) {
		const r = redactor.push(chunk);
		out += r.text;
		count += r.count;
	}
	const rest = redactor.end();
	return {out: out + rest.text, count: count + rest.count};
}

describe('redaction', () => {
	it('masks a secret split at every offset across two chunks', () => {
		const text = `connecting with password ${secret} to db\n`;
		for (let cut = 0; cut <= text.length; cut++) {
			const {out, count} = stream([text.slice(0, cut), text.slice(cut)]);
			expect(out, `cut at ${cut}`).toBe('connecting with password [REDACTED:db_password] to db\n');
			expect(count).toBe(1);
		}
	});

	it('masks the secret in raw, base64 (all three alignments), base64url, URL-encoded and JSON-escaped forms', () => {
		const tricky = 'p+a/s?s=w"o\\rd~123';
		const forms = [
			tricky,
			Buffer.from(tricky).toString('base64'),
			Buffer.from(`x${tricky}`).toString('base64'),
			Buffer.from(`xy${tricky}`).toString('base64'),
			Buffer.from(`xy${tricky}`).toString('base64url'),
			encodeURIComponent(tricky),
			JSON.stringify(tricky).slice(1, -1),
		];
		for (const form of forms) {
			const {out, count} = stream([`value: ${form} end`], [{name: 'token', value: tricky}]);
			expect(out, form).toContain('[REDACTED:token]');
			expect(count, form).toBeGreaterThan(0);
			for (const variant of secretForms(tricky)) expect(out).not.toContain(variant);
		}
	});

	it('masks each line of a multi-line secret, and never lines under 8 characters', () => {
		const pem = 'line-one-of-key-material\nline-two-of-key-material\nshort\n';
		const {out} = stream(['key:\nline-two-of-key-material\nand short stays\n'], [{name: 'tls_key', value: pem}]);
		expect(out).toBe('key:\n[REDACTED:tls_key]\nand short stays\n');
	});

	it('masks well-known token shapes without being told about them', () => {
		const samples: Array<[string, string]> = [
			[
				'-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----',
				'private-key',
			],
			['AKIAIOSFODNN7EXAMPLE', 'aws-access-key'],
			['ghp_0123456789abcdefghijklmnopqrstuvwxyz', 'github-token'],
			['sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'stripe-key'],
			// Every opening of every shape: each is looked for as a literal before its pattern is tried.
			['ASIAIOSFODNN7EXAMPLE', 'aws-access-key'],
			...['gho_', 'ghu_', 'ghs_', 'ghr_'].map((opening): [string, string] => [
				`${opening}0123456789abcdefghijklmnopqrstuvwxyz`,
				'github-token',
			]),
			['github_pat_11ABCDEFG0123456789_abcdefghijklmnop', 'github-token'],
			['sk_test_4eC39HqLyjWDarjtT1zdp7dc', 'stripe-key'],
			['rk_live_4eC39HqLyjWDarjtT1zdp7dc', 'stripe-key'],
		];
		for (const [token, rule] of samples) {
			const {out} = stream([`before ${token} after`], []);
			expect(out).toBe(`before [REDACTED:${rule}] after`);
		}
		expect(stream(['DATABASE_URL=postgres://app:hunter2hunter2@db.internal:5432/app'], []).out).toBe(
			'DATABASE_URL=postgres://app:[REDACTED:url-password]@db.internal:5432/app',
		);
		expect(stream(['see HTTPS://app:hunter2hunter2@db.internal/'], []).out).toBe(
			'see HTTPS://app:[REDACTED:url-password]@db.internal/',
		);
	});

	it('holds a private key block back until its END, across many chunks', () => {
		const key = `-----BEGIN RSA PRIVATE KEY-----\n${'MIIEpAIBAAKCAQEA7\n'.repeat(40)}-----END RSA PRIVATE KEY-----\n`;
		const chunks = key.match(/[\s\S]{1,23}/g)!;
		const {out} = stream(['cat id_rsa\n', ...chunks, 'done\n'], []);
		expect(out).toBe('cat id_rsa\n[REDACTED:private-key]\ndone\n');
	});

	it('random chunking with overlapping secrets never leaks, and equals redacting the whole text', () => {
		let seed = 42;
		const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
		const secrets = [
			{name: 'a', value: 'secretsecret'},
			{name: 'b', value: 'ssecretsecrett'},
			{name: 'c', value: 'retsecretsec'},
			{name: 'd', value: 'aaaaaaaaaaaa'},
		];
		const pieces = [
			'secret',
			'ssecretsecrett',
			'secretsecret',
			'retsecretsec',
			'aaaaaaaaaaaaaaaaaaa',
			' ',
			'x',
			'\n',
			'sec',
			'ret',
		];
		for (let round = 0; round < 300; round++) {
			const text = Array.from({length: 60}, () => pieces[Math.floor(random() * pieces.length)]!).join('');
			const chunks: string[] = [];
			for (let at = 0; at < text.length;) {
				const size = 1 + Math.floor(random() * 20);
				chunks.push(text.slice(at, at + size));
				at += size;
			}
			const {out} = stream(chunks, secrets);
			for (const s of secrets) expect(out, text).not.toContain(s.value);
			expect(out, text).toBe(new StreamRedactor(secrets).redact(text).text);
		}
	});

	it('releases a complete line at once; holds back only what could still become a match', () => {
		const redactor = new StreamRedactor([{name: 'db_password', value: secret}]);
		expect(redactor.push('migrations applied\n').text).toBe('migrations applied\n');
		expect(redactor.push('password is S3cr').text).toBe('password is ');
		expect(redactor.push('3t-Pa55w0rd! ok\n').text).toBe('[REDACTED:db_password] ok\n');
		expect(redactor.push('Downloading 45%').text).toBe('Downloading ');
		expect(redactor.end().text).toBe('45%');
	});

	it('a secret learned mid-run is masked from then on, in forks too', () => {
		const redactor = new StreamRedactor();
		const fork = redactor.fork();
		redactor.addSecret('answer', 'late-secret-value');
		expect(fork.push('it is late-secret-value now').text + fork.end().text).toBe('it is [REDACTED:answer] now');
	});
});
