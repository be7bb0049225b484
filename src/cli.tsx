// argv -> the subcommands. The only file that calls render() or sets the exit code.
// Exit codes: 0 success; 1 the run failed or was aborted; 2 bad usage or bad input
// (or a run that needs an operator where there is none); 70 a bug in runbook.
import os from 'node:os';
import path from 'node:path';
import {parseArgs, type ParseArgsConfig} from 'node:util';
import {render} from 'ink';
import {parseRunbook, type LocatedProblem} from './core/runbook/parse.js';
import {runbookJsonSchema} from './core/runbook/schema.js';
import type {Runbook} from './core/runbook/model.js';
import {didYouMean} from './core/runbook/shape.js';
import {terminalText} from './core/text/sanitize.js';
import {dryRunLines} from './core/run/dry-run.js';
import {exitCodeFor} from './core/run/select.js';
import {logFormat} from './core/audit/entry.js';
import {readRunbookFile} from './store/runbook-file.js';
import {SessionLog} from './store/session-log.js';
import {newSessionId, sessionsDir} from './store/sessions-dir.js';
import {LiveSession} from './session/live.js';
import {verifyCommand} from './commands/verify.js';
import {UsageError} from './commands/usage-error.js';
import {help} from './help.js';
import {parseVars, secretEnvValues} from './commands/run-inputs.js';
import {keysCommand} from './commands/keys.js';
import {sessionsCommand} from './commands/sessions.js';
import {exportCommand} from './commands/export.js';
import {prepareReplay, ReplayRefused} from './commands/replay.js';
import {ReplaySession} from './session/replay.js';
import {ReplayApp} from './ui/ReplayApp.js';
import {reduceRun} from './core/run/reduce.js';
import {initialState} from './core/run/state.js';
import {configDir, loadIdentity, newEd25519Key, type IdentityChoice} from './store/identity.js';
import {ed25519Blob, fingerprint, formatPublicKey} from './core/audit/ssh-wire.js';
import type {RunState} from './core/run/state.js';
import {resumedClock, systemClock} from './session/clock.js';
import {planResume} from './commands/resume.js';
import {approversAllowed} from './commands/allowed-signers-file.js';
import {describeLive, isLive, liveSessions, readLiveSession} from './commands/live-sessions.js';
import {approveCommand} from './commands/approve.js';
import {WatchSession} from './session/watch.js';
import {importCommand} from './commands/import.js';
import {WatchApp} from './ui/WatchApp.js';
import {askLine} from './ui/ask-line.js';
import {App} from './ui/App.js';
import {PlainPrinter} from './ui/plain.js';

import {version} from './version.js';

async function main(argv: string[]): Promise<number> {
	const [command, ...rest] = argv;
	if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
		process.stdout.write(`${help.main}\n`);
		return command === undefined ? 2 : 0;
	}
	if (command === '--version' || command === '-v') {
		process.stdout.write(`${version}\n`);
		return 0;
	}
	if (rest.includes('--help') || rest.includes('-h')) {
		if (!help[command])
			throw new UsageError(
				`unknown command \`${command}\`${didYouMean(command, Object.keys(help))}; see \`runbook --help\``,
			);
		process.stdout.write(`${help[command]}\n`);
		return 0;
	}
	switch (command) {
		case 'run':
			return runCommand(rest);
		case 'resume':
			return resumeCommand(rest);
		case 'watch':
			return watchCommand(rest);
		case 'import': {
			const {values, positionals} = parse(rest, {output: {type: 'string', short: 'o'}}, 'import');
			if (positionals.length !== 1)
				throw new UsageError('`runbook import` takes one CHECKLIST.md; see `runbook import --help`');
			return importCommand({
				file: positionals[0]!,
				...(values.output !== undefined ? {output: values.output as string} : {}),
			});
		}
		case 'approve': {
			const {values, positionals} = parse(rest, {'log-dir': {type: 'string'}}, 'approve');
			if (positionals.length > 1)
				throw new UsageError(`\`runbook approve\` takes at most one SESSION, not ${positionals.length}`);
			return approveCommand({
				...(positionals[0] !== undefined ? {session: positionals[0]} : {}),
				sessions: sessionsDir(values['log-dir'] as string | undefined),
				loadIdentity: loadSigningIdentity,
			});
		}
		case 'validate':
			return validateCommand(rest);
		case 'verify': {
			const {values, positionals} = parse(
				rest,
				{
					'allowed-signers': {type: 'string'},
					principal: {type: 'string'},
					json: {type: 'boolean'},
					'log-dir': {type: 'string'},
				},
				'verify',
			);
			if (positionals.length !== 1)
				throw new UsageError('`runbook verify` takes one SESSION; see `runbook verify --help`');
			return verifyCommand({
				session: positionals[0]!,
				sessions: sessionsDir(values['log-dir'] as string | undefined),
				isJson: Boolean(values.json),
				...(values['allowed-signers'] !== undefined ? {allowedSigners: values['allowed-signers'] as string} : {}),
				...(values.principal !== undefined ? {principal: values.principal as string} : {}),
			});
		}
		case 'sessions': {
			const {values, positionals} = parse(rest, {json: {type: 'boolean'}, 'log-dir': {type: 'string'}}, 'sessions');
			if (positionals.length > 0) throw new UsageError('`runbook sessions` takes no arguments');
			return sessionsCommand({
				sessions: sessionsDir(values['log-dir'] as string | undefined),
				isJson: Boolean(values.json),
			});
		}
		case 'export': {
			const {values, positionals} = parse(
				rest,
				{
					format: {type: 'string'},
					output: {type: 'string', short: 'o'},
					force: {type: 'boolean'},
					'log-dir': {type: 'string'},
				},
				'export',
			);
			if (positionals.length !== 1)
				throw new UsageError('`runbook export` takes one SESSION; see `runbook export --help`');
			if (values.format === undefined) throw new UsageError('`runbook export` needs --format md, html, json or cast');
			return exportCommand({
				session: positionals[0]!,
				sessions: sessionsDir(values['log-dir'] as string | undefined),
				format: values.format as string,
				...(values.output !== undefined ? {output: values.output as string} : {}),
				isForced: Boolean(values.force),
			});
		}
		case 'replay':
			return replayCommand(rest);
		case 'keys': {
			const {values, positionals} = parse(rest, {use: {type: 'string'}}, 'keys');
			if (positionals.length > 0) throw new UsageError('`runbook keys` takes no arguments');
			try {
				return await keysCommand(values.use !== undefined ? {use: values.use as string} : {});
			} catch (error) {
				throw new UsageError(
					`cannot set up the signing identity in ${configDirOrUnknown()}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
				);
			}
		}
		case 'schema':
			if (rest.length > 0) throw new UsageError('`runbook schema` takes no arguments');
			process.stdout.write(`${JSON.stringify(runbookJsonSchema(), null, 2)}\n`);
			return 0;
		default:
			throw new UsageError(
				`unknown command \`${command}\`${didYouMean(
					command,
					Object.keys(help).filter((c) => c !== 'main'),
				)}; see \`runbook --help\``,
			);
	}
}

function parse(args: string[], options: ParseArgsConfig['options'], command: string) {
	try {
		return parseArgs({args, options: options ?? {}, allowPositionals: true, strict: true});
	} catch (error) {
		throw new UsageError(
			`${(error as Error).message.split('\n')[0]!.replace(/^Unknown option/, 'unknown option')}; see \`runbook ${command} --help\``,
		);
	}
}

/** Loads and checks a runbook, or throws a UsageError listing every problem as file:line:col. */
function loadRunbook(file: string): {runbook: Runbook; sha256: string} {
	const read = readRunbookFile(file);
	if (!read.ok) throw new UsageError(`${file}: ${read.problem}`);
	const parsed = parseRunbook(read.text);
	if (!parsed.ok) throw new UsageError(formatProblems(file, parsed.problems));
	return {runbook: parsed.runbook, sha256: read.sha256};
}

function formatProblems(file: string, problems: LocatedProblem[]): string {
	return problems.map((p) => `${file}:${p.line}:${p.col}: ${p.message}`).join('\n');
}

function validateCommand(args: string[]): number {
	const {positionals} = parse(args, {}, 'validate');
	if (positionals.length === 0) throw new UsageError('`runbook validate` needs at least one FILE');
	let isAllValid = true;
	for (const file of positionals) {
		try {
			const {runbook} = loadRunbook(file);
			process.stdout.write(
				`${file}: valid (${runbook.phases.length} phases, ${runbook.phases.reduce((n, p) => n + p.steps.length, 0)} steps)\n`,
			);
		} catch (error) {
			if (!(error instanceof UsageError)) throw error;
			isAllValid = false;
			process.stderr.write(`${terminalText(error.message)}\n`);
		}
	}
	return isAllValid ? 0 : 2;
}

async function runCommand(args: string[]): Promise<number> {
	const {values, positionals} = parse(
		args,
		{
			var: {type: 'string', multiple: true},
			'var-file': {type: 'string'},
			'dry-run': {type: 'boolean'},
			from: {type: 'string'},
			yes: {type: 'boolean'},
			'log-dir': {type: 'string'},
			'allowed-signers': {type: 'string'},
		},
		'run',
	);
	if (positionals.length !== 1)
		throw new UsageError(
			`\`runbook run\` takes one FILE${positionals.length > 1 ? `, not ${positionals.length}` : ''}; see \`runbook run --help\``,
		);
	const file = positionals[0]!;
	const {runbook, sha256} = loadRunbook(file);
	const vars = parseVars(runbook, (values.var as string[] | undefined) ?? [], {
		varFile: values['var-file'] as string | undefined,
	});
	const secrets = secretEnvValues(runbook);
	const from = values.from as string | undefined;
	if (from !== undefined && !runbook.phases.some((p) => p.steps.some((s) => s.id === from))) {
		throw new UsageError(
			`--from: no step \`${from}\` in ${file}${didYouMean(
				from,
				runbook.phases.flatMap((p) => p.steps.map((s) => s.id)),
			)}`,
		);
	}
	if (values['dry-run']) {
		process.stdout.write(`${terminalText(dryRunLines(runbook, vars, from).join('\n'))}\n`);
		return 0;
	}

	const isInteractive = Boolean(process.stdout.isTTY && process.stdin.isTTY) && !process.env.CI;
	const clock = systemClock();
	const id = newSessionId(clock.wall());
	const dir = path.join(sessionsDir(values['log-dir'] as string | undefined), id);
	const operator = os.userInfo().username;
	const approvers = approversAllowed(values['allowed-signers'] as string | undefined);
	const identity = await loadSigningIdentity();
	// The session key lives in memory only: after the seal nobody can sign for this session again.
	const sessionKey = newEd25519Key();
	let log: SessionLog;
	try {
		log = await SessionLog.create(
			dir,
			{
				format: logFormat,
				session: id,
				tool: {name: 'runbook', version},
				wall: clock.wall().toISOString(),
				runbook: {path: path.resolve(file), sha256},
				operator: {user: operator, host: os.hostname()},
				identity: {
					key: formatPublicKey(identity.signer.publicKey),
					fingerprint: fingerprint(identity.signer.publicKey),
					source: identity.signer.source,
				},
				skey: formatPublicKey(ed25519Blob(sessionKey)),
				term: {cols: process.stdout.columns ?? 0, rows: process.stdout.rows ?? 0},
				pid: process.pid,
			},
			{sessionKey, identity: identity.signer},
		);
	} catch (error) {
		throw new UsageError(
			`cannot create the session log in ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
		);
	}
	const session = new LiveSession({
		runbook,
		options: {operator, isInteractive, isPreApproved: Boolean(values.yes), ...(from !== undefined ? {from} : {})},
		vars,
		env: process.env,
		cwd: process.cwd(),
		spoolDir: path.join(dir, 'spool'),
		approvals: {
			session: id,
			dir,
			operatorKeys: [identity.signer.publicKey],
			...(approvers ? {allowedSigners: approvers} : {}),
		},
		sink: log,
		clock,
		secrets,
	});
	return driveSession(session, log, isInteractive, () => session.start());
}

async function resumeCommand(args: string[]): Promise<number> {
	const {values, positionals} = parse(
		args,
		{
			var: {type: 'string', multiple: true},
			'var-file': {type: 'string'},
			strict: {type: 'boolean'},
			yes: {type: 'boolean'},
			'log-dir': {type: 'string'},
			'allowed-signers': {type: 'string'},
		},
		'resume',
	);
	if (positionals.length > 1)
		throw new UsageError(
			`\`runbook resume\` takes at most one SESSION, not ${positionals.length}; see \`runbook resume --help\``,
		);
	const operator = os.userInfo().username;
	const plan = planResume({
		session: positionals[0],
		sessions: sessionsDir(values['log-dir'] as string | undefined),
		user: operator,
	});
	const id = plan.read.header.session;
	const file = plan.read.header.runbook.path;
	const isInteractive = Boolean(process.stdout.isTTY && process.stdin.isTTY) && !process.env.CI;
	if (plan.fileNote) process.stderr.write(`runbook: ${plan.fileNote}\n`);
	if (plan.changed) {
		const list = plan.changed.changes.map((c) => `  - ${c}`).join('\n');
		if (values.strict)
			throw new UsageError(`${file} changed since session ${id} started; --strict refuses to go on:\n${list}`);
		if (!isInteractive)
			throw new UsageError(
				`${file} changed since session ${id} started; resume in a terminal to confirm the changes, or give --strict to refuse:\n${list}`,
			);
		process.stdout.write(`${file} changed since session ${id} started:\n${terminalText(list)}\n`);
		if ((await askLine('Type `resume` to go on with the changed runbook (anything else stops): ')) !== 'resume') {
			process.stderr.write('runbook: not resumed; nothing was recorded\n');
			return 1;
		}
	}
	const runbook = plan.changed?.runbook ?? plan.state.runbook!;
	const vars = parseVars(runbook, (values.var as string[] | undefined) ?? [], {
		varFile: values['var-file'] as string | undefined,
	});
	const unexpected = Object.keys(vars).filter((name) => !plan.reask.includes(name));
	if (unexpected.length > 0)
		throw new UsageError(
			`--var ${unexpected[0]}: already set in session ${id}; only secrets given earlier are given again`,
		);
	const missing = plan.reask.filter((name) => vars[name] === undefined);
	if (!isInteractive && missing.length > 0)
		throw new UsageError(
			`session ${id} needs ${missing.map((n) => `\`${n}\``).join(', ')} again (secrets are never stored); give ${missing.length === 1 ? 'it' : 'them'} with --var, or resume in a terminal`,
		);
	const secrets = secretEnvValues(runbook);
	const clock = resumedClock(new Date(plan.read.header.wall), plan.state.lastT);
	const approvers = approversAllowed(values['allowed-signers'] as string | undefined);
	const identity = await loadSigningIdentity();
	const sessionKey = newEd25519Key();
	let log: SessionLog;
	try {
		log = await SessionLog.reopen(
			plan.log,
			{
				t: clock.now(),
				pid: process.pid,
				identity: {
					key: formatPublicKey(identity.signer.publicKey),
					fingerprint: fingerprint(identity.signer.publicKey),
					source: identity.signer.source,
				},
				skey: formatPublicKey(ed25519Blob(sessionKey)),
			},
			{sessionKey, identity: identity.signer},
		);
	} catch (error) {
		throw new UsageError(
			`cannot take over the session log ${plan.log}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
		);
	}
	const started = plan.read.events.find((e) => e.type === 'session-started');
	const session = new LiveSession({
		runbook,
		options: {operator, isInteractive, isPreApproved: plan.state.options.isPreApproved || Boolean(values.yes)},
		vars,
		env: process.env,
		cwd: (started?.type === 'session-started' ? started.cwd : undefined) ?? process.cwd(),
		spoolDir: path.join(plan.dir, 'spool'),
		approvals: {
			session: id,
			dir: plan.dir,
			operatorKeys: [identity.signer.publicKey, ...plan.operatorKeys],
			...(approvers ? {allowedSigners: approvers} : {}),
		},
		sink: log,
		clock,
		secrets,
	});
	if (!isInteractive) process.stdout.write(`resuming session ${id}\n`);
	return driveSession(session, log, isInteractive, () =>
		session.resume(plan.read.events, {
			pid: process.pid,
			reask: plan.reask,
			...(plan.changed ? {changed: plan.changed} : {}),
		}),
	);
}

async function watchCommand(args: string[]): Promise<number> {
	const {values, positionals} = parse(args, {'log-dir': {type: 'string'}}, 'watch');
	const sessions = sessionsDir(values['log-dir'] as string | undefined);
	if (positionals.length > 1)
		throw new UsageError(`\`runbook watch\` takes at most one SESSION, not ${positionals.length}`);
	if (positionals.length === 0) {
		const live = liveSessions(sessions);
		if (live.length === 0) process.stdout.write(`no live sessions you can read in ${sessions}\n`);
		else
			process.stdout.write(
				`${terminalText(live.map(describeLive).join('\n'))}\nfollow one with: runbook watch SESSION\n`,
			);
		return 0;
	}
	const info = readLiveSession(positionals[0]!, sessions);
	const watch = new WatchSession(info.log);
	const isFollowing = isLive(info);
	if (!(process.stdout.isTTY && process.stdin.isTTY) || process.env.CI) {
		const printer = new PlainPrinter();
		watch.onEvent((event, state) => {
			const lines = printer.lines(event, state);
			if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
		});
		watch.start();
		if (watch.snapshot().problem === undefined) {
			if (isFollowing || info.read.isSealed) await watch.ended;
			else
				process.stdout.write(
					`the runner of ${info.id} is not running; \`runbook resume ${info.id}\` goes on with it\n`,
				);
		}
		watch.stop();
		return watchProblem(watch);
	}
	const app = render(<WatchApp watch={watch} logFile={info.log} />);
	watch.start();
	await app.waitUntilExit();
	watch.stop();
	return watchProblem(watch);
}

/** A log that broke off while being followed: said in one line, exit 1. */
function watchProblem(watch: WatchSession): number {
	const {problem} = watch.snapshot();
	if (problem === undefined) return 0;
	process.stderr.write(`runbook: ${terminalText(problem)}\n`);
	return 1;
}

/** Runs a session on the screen (or as plain lines) until it ends, then seals its log. */
async function driveSession(
	session: LiveSession,
	log: SessionLog,
	isInteractive: boolean,
	begin: () => void,
): Promise<number> {
	// SIGINT and SIGTERM end the session as aborted: the running step's tree is stopped and the reason recorded.
	for (const signal of ['SIGINT', 'SIGTERM'] as const) {
		process.on(signal, () => session.interrupt(`received ${signal}`));
	}
	// SIGHUP is the terminal going away (an SSH drop): the running step goes on, and `runbook resume` picks it up.
	process.on('SIGHUP', () => {
		session.detach('received SIGHUP: the terminal closed');
		log.close();
		process.exit(129);
	});
	try {
		if (isInteractive) {
			const app = render(<App session={session} logFile={log.file} />, {exitOnCtrlC: false});
			begin();
			const final = await session.ended;
			await app.waitUntilExit();
			await sealLog(log, final, session.logFailure);
			return exitCodeFor(final.ended?.status);
		}
		const printer = new PlainPrinter();
		session.onEvent((event) => {
			const lines = printer.lines(event, session.snapshot().state);
			if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
		});
		begin();
		const final = await session.ended;
		await sealLog(log, final, session.logFailure);
		process.stdout.write(`log: ${log.file}\n`);
		return exitCodeFor(final.ended?.status);
	} finally {
		log.close();
	}
}

/** Seals a session that ended on record; a log that could not take its end stays unsealed (INCOMPLETE). */
async function sealLog(log: SessionLog, final: RunState, logFailure: string | undefined) {
	if (logFailure) {
		process.stderr.write(
			`runbook: ${logFailure}; the run stopped before its next command. What was written stays as it is (\`runbook verify\` calls it INCOMPLETE).\n`,
		);
		return;
	}
	try {
		await log.seal(final.lastT);
	} catch (error) {
		process.stderr.write(
			`runbook: the session log was not sealed: ${(error as Error).message}; \`runbook verify\` will call it INCOMPLETE\n`,
		);
	}
}

function configDirOrUnknown(): string {
	try {
		return configDir();
	} catch {
		return 'the settings folder';
	}
}

async function loadSigningIdentity(): Promise<IdentityChoice> {
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

async function replayCommand(args: string[]): Promise<number> {
	const {values, positionals} = parse(
		args,
		{
			speed: {type: 'string'},
			'idle-limit': {type: 'string'},
			'start-at': {type: 'string'},
			force: {type: 'boolean'},
			'log-dir': {type: 'string'},
		},
		'replay',
	);
	if (positionals.length !== 1) throw new UsageError('`runbook replay` takes one SESSION; see `runbook replay --help`');
	const number = (flag: string, value: unknown, fallback: number) => {
		if (value === undefined) return fallback;
		const n = Number(value);
		if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${flag} ${String(value)}: expected a positive number`);
		return n;
	};
	const speed = number('speed', values.speed, 1);
	const idleLimitUs = number('idle-limit', values['idle-limit'], 2) * 1_000_000;
	let prepared;
	try {
		prepared = await prepareReplay({
			session: positionals[0]!,
			sessions: sessionsDir(values['log-dir'] as string | undefined),
			isForced: Boolean(values.force),
		});
	} catch (error) {
		if (error instanceof ReplayRefused) {
			process.stderr.write(`${error.message}\n`);
			return 1;
		}
		throw error;
	}
	const startAt = values['start-at'] as string | undefined;
	if (startAt !== undefined && !prepared.events.some((e) => e.type === 'step-started' && e.step === startAt))
		throw new UsageError(`--start-at: the session never started a step \`${startAt}\``);
	if (!(process.stdout.isTTY && process.stdin.isTTY) || process.env.CI) {
		// No screen to replay on: the events as plain lines, at once.
		if (prepared.banner) process.stdout.write(`${terminalText(prepared.banner.text)}\n`);
		const printer = new PlainPrinter();
		let state = initialState;
		for (const event of prepared.events) {
			state = reduceRun(state, event);
			const lines = printer.lines(event, state);
			if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
		}
		return 0;
	}
	const replay = new ReplaySession(prepared.events, {speed, idleLimitUs, ...(startAt !== undefined ? {startAt} : {})});
	const app = render(
		<ReplayApp replay={replay} logFile={prepared.logFile} {...(prepared.banner ? {banner: prepared.banner} : {})} />,
		{exitOnCtrlC: false},
	);
	replay.start();
	await replay.done;
	await app.waitUntilExit();
	return 0;
}

/** A bug: the stack for the report, and status 70. Lines already in the log are whole and stay. */
function reportBug(error: unknown) {
	process.stderr.write(
		`runbook: internal error; please report it with the steps that led here.\n${(error as Error)?.stack ?? String(error)}\n`,
	);
	process.exit(70);
}
process.on('uncaughtException', reportBug);
// Past a file-size limit the kernel would kill us with SIGXFSZ; ignored, the write fails with
// EFBIG instead, and the session stops before its next command and says why.
process.on('SIGXFSZ', () => {});
process.on('unhandledRejection', reportBug);

main(process.argv.slice(2)).then(
	(code) => {
		process.exitCode = code;
	},
	(error: unknown) => {
		if (error instanceof UsageError) {
			// Located problems (file:line:col: ...) stand alone, one per line, as editors expect.
			const isLocated = /^\S+:\d+:\d+: /.test(error.message);
			process.stderr.write(`${isLocated ? '' : 'runbook: '}${terminalText(error.message)}\n`);
			process.exitCode = 2;
			return;
		}
		reportBug(error);
	},
);
