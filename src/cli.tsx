// argv -> the subcommands, and the exit policy: the only file that sets the exit code.
// Exit codes: 0 success; 1 the run failed or was aborted; 2 bad usage or bad input
// (or a run that needs an operator where there is none); 70 a bug in runbook; 130 the session
// picker cancelled (Esc, q or Ctrl-C: nothing chosen, nothing done, as fzf exits).
// Over 300 lines: one small argv table per subcommand (twenty of them, with the archive's); each
// handler is a few lines and does nothing but parse and call its command.
import {fileURLToPath} from 'node:url';
import {parseArgs, type ParseArgsConfig} from 'node:util';
import {didYouMean} from './core/runbook/shape.js';
import {terminalText} from './core/text/sanitize.js';
import {UsageError} from './commands/usage-error.js';
import {isInteractiveTerminal} from './ui/terminal.js';
import {sessionsDir} from './store/sessions-dir.js';
import {holdRunbookLock} from './commands/runner-locks.js';
import {prepareRunArchive} from './commands/archive-early.js';
// Linked, not imported on demand: a dynamic import's round trips cost `run` ~10 ms before its script.
import {loadScreenScript} from './commands/screen-host.js';
import {help} from './help.js';
import {version} from './version.js';

type Command = (args: string[]) => number | Promise<number>;

/**
 * Set by the build: true where the screen commands ship as a script beside this file, compiled
 * with a code cache (commands/screen-host.ts); false in the one-file build; absent in tests.
 */
declare const __RUNBOOK_SCREEN_SCRIPT__: boolean | undefined;

// A command's module is imported when it runs: `validate`, `verify` or `schema` never load Ink
// and React, which are most of the start-up time of the bundle.
const screenCommands = () =>
	load(async () =>
		typeof __RUNBOOK_SCREEN_SCRIPT__ !== 'undefined' && __RUNBOOK_SCREEN_SCRIPT__
			? loadScreenScript(fileURLToPath(new URL('screen-commands.script.js', import.meta.url)))
			: import('./commands/screen-commands.js'),
	);
const quietCommands = () => load(() => import('./commands/quiet-commands.js'));

/**
 * Imports commands with `fetch` hidden: Ink's layout engine (yoga) checks
 * `typeof fetch` to load its inline wasm, and Node's fetch loads undici on first touch, ~40 ms
 * of start-up. Hidden, yoga decodes the bytes directly; fetch is back before the command runs.
 */
async function load<Module>(importer: () => Promise<Module>): Promise<Module> {
	const fetchProperty = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
	delete (globalThis as {fetch?: unknown}).fetch;
	try {
		return await importer();
	} finally {
		if (fetchProperty) Object.defineProperty(globalThis, 'fetch', fetchProperty);
	}
}

/**
 * The lock on runs of `file`, taken now; awaited (and its refusal said) only where `run` checks it,
 * after the runbook itself, so a bad file is still reported first.
 */
function heldRunbookLock(file: string): Promise<void> {
	const lock = holdRunbookLock(file);
	lock.catch(() => {}); // Reported when awaited; a run that stops earlier never asks.
	return lock;
}

/** The operator left the session picker without choosing. */
const pickerCancelledExit = 130;

/**
 * SESSION as given; else, in a terminal, the one picked from a list (the screen loaded only then);
 * undefined when the operator cancels. Without a terminal, a usage error that says SESSION is needed.
 */
async function sessionOrPick(
	command: string,
	given: string | undefined,
	sessions: string,
	archive: string | true | undefined,
): Promise<string | undefined> {
	if (given !== undefined) return given;
	if (!isInteractiveTerminal())
		throw new UsageError(`\`runbook ${command}\` takes one SESSION; see \`runbook ${command} --help\``);
	const {sessionOrPicked} = await load(() => import('./commands/pick-session.js'));
	return sessionOrPicked({command, sessions, archive});
}

/** Each command's options, checked strictly, and the call of its function in commands/. */
const commands: Record<string, Command> = {
	async run(argv) {
		const {args, archive} = takeArchiveFlag(argv);
		const {values, positionals} = parse(args, 'run', {
			var: {type: 'string', multiple: true},
			'var-file': {type: 'string'},
			'dry-run': {type: 'boolean'},
			from: {type: 'string'},
			yes: {type: 'boolean'},
			'log-dir': {type: 'string'},
			'allowed-signers': {type: 'string'},
			concurrent: {type: 'boolean'},
		});
		if (positionals.length !== 1)
			throw new UsageError(
				`\`runbook run\` takes one FILE${positionals.length > 1 ? `, not ${positionals.length}` : ''}; see \`runbook run --help\``,
			);
		if (values['dry-run']) {
			// A dry run draws nothing: it loads no Ink.
			const {dryRunCommand} = await quietCommands();
			return dryRunCommand({
				file: positionals[0]!,
				vars: (values.var as string[] | undefined) ?? [],
				...optional('varFile', values['var-file']),
				...optional('from', values.from),
			});
		}
		// The lock's child process starts while the screen's modules load: forked from a small
		// process it is quicker, and it locks on the other core meanwhile.
		const runbookLock = values['dry-run'] || values.concurrent ? undefined : heldRunbookLock(positionals[0]!);
		// So does the archive's sender's thread (its modules load first: a few ms, with an archive only).
		const archiveStream = values['dry-run'] ? undefined : await prepareRunArchive(archive);
		const {runCommand, archiveUrlOf} = await screenCommands();
		return runCommand({
			...(runbookLock ? {runbookLock} : {}),
			...(archiveStream ? {archiveStream} : {}),
			file: positionals[0]!,
			vars: (values.var as string[] | undefined) ?? [],
			...optional('varFile', values['var-file']),
			isDryRun: Boolean(values['dry-run']),
			...optional('from', values.from),
			isPreApproved: Boolean(values.yes),
			sessions: sessionsDir(values['log-dir'] as string | undefined),
			...optional('allowedSigners', values['allowed-signers']),
			...optional('archive', archiveUrlOf(archive)),
			isConcurrent: Boolean(values.concurrent),
		});
	},
	async resume(argv) {
		const {args, archive} = takeArchiveFlag(argv);
		const {values, positionals} = parse(args, 'resume', {
			var: {type: 'string', multiple: true},
			'var-file': {type: 'string'},
			strict: {type: 'boolean'},
			yes: {type: 'boolean'},
			'log-dir': {type: 'string'},
			'allowed-signers': {type: 'string'},
		});
		if (positionals.length > 1)
			throw new UsageError(
				`\`runbook resume\` takes at most one SESSION, not ${positionals.length}; see \`runbook resume --help\``,
			);
		const {resumeCommand, archiveUrlOf} = await screenCommands();
		return resumeCommand({
			...optional('session', positionals[0]),
			vars: (values.var as string[] | undefined) ?? [],
			...optional('varFile', values['var-file']),
			isStrict: Boolean(values.strict),
			isPreApproved: Boolean(values.yes),
			sessions: sessionsDir(values['log-dir'] as string | undefined),
			...optional('allowedSigners', values['allowed-signers']),
			...optional('archive', archiveUrlOf(archive)),
		});
	},
	async watch(argv) {
		const {args, archive} = takeArchiveFlag(argv);
		const {values, positionals} = parse(args, 'watch', {
			'log-dir': {type: 'string'},
			'allowed-signers': {type: 'string'},
		});
		if (positionals.length > 1)
			throw new UsageError(`\`runbook watch\` takes at most one SESSION, not ${positionals.length}`);
		const sessions = sessionsDir(values['log-dir'] as string | undefined);
		let session = positionals[0];
		// Without a terminal, watch without SESSION lists the live sessions instead (watchCommand).
		if (session === undefined && isInteractiveTerminal()) {
			session = await sessionOrPick('watch', undefined, sessions, archive);
			if (session === undefined) return pickerCancelledExit;
		}
		const {watchCommand} = await screenCommands();
		return watchCommand({
			...optional('session', session),
			sessions,
			...(archive !== undefined ? {archive} : {}),
			...optional('allowedSigners', values['allowed-signers']),
		});
	},
	async import(args) {
		const {values, positionals} = parse(args, 'import', {output: {type: 'string', short: 'o'}});
		if (positionals.length !== 1)
			throw new UsageError('`runbook import` takes one CHECKLIST.md; see `runbook import --help`');
		const {importCommand} = await quietCommands();
		return importCommand({file: positionals[0]!, ...optional('output', values.output)});
	},
	async approve(argv) {
		const {args, archive} = takeArchiveFlag(argv);
		const {values, positionals} = parse(args, 'approve', {
			'log-dir': {type: 'string'},
			'allowed-signers': {type: 'string'},
		});
		if (positionals.length > 1)
			throw new UsageError(`\`runbook approve\` takes at most one SESSION, not ${positionals.length}`);
		const {approveCommand, loadSigningIdentity} = await screenCommands();
		return approveCommand({
			...optional('session', positionals[0]),
			sessions: sessionsDir(values['log-dir'] as string | undefined),
			...optional('allowedSigners', values['allowed-signers']),
			loadIdentity: loadSigningIdentity,
			...(archive !== undefined ? {archive} : {}),
		});
	},
	async validate(args) {
		const {positionals} = parse(args, 'validate', {});
		const {validateCommand} = await quietCommands();
		return validateCommand(positionals);
	},
	async verify(argv) {
		const {args, archive} = takeArchiveFlag(argv);
		const {values, positionals} = parse(args, 'verify', {
			'allowed-signers': {type: 'string'},
			principal: {type: 'string'},
			json: {type: 'boolean'},
			'log-dir': {type: 'string'},
		});
		if (positionals.length > 1) throw new UsageError('`runbook verify` takes one SESSION; see `runbook verify --help`');
		const sessions = sessionsDir(values['log-dir'] as string | undefined);
		const session = await sessionOrPick('verify', positionals[0], sessions, archive);
		if (session === undefined) return pickerCancelledExit;
		// Its own module, not quietCommands: verify's start-up is most of its time on a short log.
		const {verifyCommand} = await load(() => import('./commands/verify.js'));
		return verifyCommand({
			session,
			sessions,
			isJson: Boolean(values.json),
			...optional('allowedSigners', values['allowed-signers']),
			...optional('principal', values.principal),
			...(archive !== undefined ? {archive} : {}),
		});
	},
	async sessions(argv) {
		const {args, archive} = takeArchiveFlag(argv);
		const {values, positionals} = parse(args, 'sessions', {
			json: {type: 'boolean'},
			'log-dir': {type: 'string'},
			runbook: {type: 'string'},
			operator: {type: 'string'},
			since: {type: 'string'},
			outcome: {type: 'string'},
		});
		if (positionals.length > 0) throw new UsageError('`runbook sessions` takes no arguments');
		const filters = ['runbook', 'operator', 'since', 'outcome'].filter((name) => values[name] !== undefined);
		if (archive === undefined && filters.length > 0)
			throw new UsageError(`--${filters[0]} filters the team archive's sessions: add --archive`);
		if (archive !== undefined) {
			// Its own module, not quietCommands: the query is quick, start-up is most of its time.
			const [{archiveSessionsCommand}, {archiveUrlOf}] = await Promise.all([
				load(() => import('./commands/archive-sessions.js')),
				load(() => import('./commands/archive-choice.js')),
			]);
			return archiveSessionsCommand({
				...optional('archive', archiveUrlOf(archive)),
				isJson: Boolean(values.json),
				filter: {
					...optional('runbook', values.runbook),
					...optional('operator', values.operator),
					...optional('outcome', values.outcome),
					...(values.since !== undefined ? {since: sinceDate(values.since as string)} : {}),
				},
			});
		}
		const {sessionsCommand} = await quietCommands();
		return sessionsCommand({
			sessions: sessionsDir(values['log-dir'] as string | undefined),
			isJson: Boolean(values.json),
		});
	},
	async export(argv) {
		const {args, archive} = takeArchiveFlag(argv);
		const {values, positionals} = parse(args, 'export', {
			format: {type: 'string'},
			output: {type: 'string', short: 'o'},
			force: {type: 'boolean'},
			'log-dir': {type: 'string'},
		});
		if (positionals.length > 1) throw new UsageError('`runbook export` takes one SESSION; see `runbook export --help`');
		if (values.format === undefined) throw new UsageError('`runbook export` needs --format md, html, json or cast');
		const sessions = sessionsDir(values['log-dir'] as string | undefined);
		const session = await sessionOrPick('export', positionals[0], sessions, archive);
		if (session === undefined) return pickerCancelledExit;
		const {exportCommand} = await quietCommands();
		return exportCommand({
			session,
			sessions,
			format: values.format as string,
			...optional('output', values.output),
			isForced: Boolean(values.force),
			...(archive !== undefined ? {archive} : {}),
		});
	},
	async replay(argv) {
		const {args, archive} = takeArchiveFlag(argv);
		const {values, positionals} = parse(args, 'replay', {
			speed: {type: 'string'},
			'idle-limit': {type: 'string'},
			'start-at': {type: 'string'},
			force: {type: 'boolean'},
			'log-dir': {type: 'string'},
		});
		if (positionals.length > 1) throw new UsageError('`runbook replay` takes one SESSION; see `runbook replay --help`');
		const speed = positiveNumber('speed', values.speed, 1);
		const idleLimitUs = positiveNumber('idle-limit', values['idle-limit'], 2) * 1_000_000;
		const sessions = sessionsDir(values['log-dir'] as string | undefined);
		const session = await sessionOrPick('replay', positionals[0], sessions, archive);
		if (session === undefined) return pickerCancelledExit;
		const {replayCommand} = await screenCommands();
		return replayCommand({
			session,
			sessions,
			isForced: Boolean(values.force),
			speed,
			idleLimitUs,
			...optional('startAt', values['start-at']),
			...(archive !== undefined ? {archive} : {}),
		});
	},
	async keys(args) {
		const {values, positionals} = parse(args, 'keys', {use: {type: 'string'}});
		if (positionals.length > 0) throw new UsageError('`runbook keys` takes no arguments');
		const {keysCommand} = await quietCommands();
		try {
			return await keysCommand(optional('use', values.use));
		} catch (error) {
			if (error instanceof UsageError) throw error;
			const {configDirOrUnknown} = await quietCommands();
			throw new UsageError(
				`cannot set up the signing identity in ${configDirOrUnknown()}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
			);
		}
	},
	async archive(argv) {
		const {args, archive} = takeArchiveFlag(argv);
		const [action, ...rest] = args;
		const {archiveDoctorCommand, archiveInitCommand, archivePushCommand, archiveUrlOf} = await quietCommands();
		const url = archiveUrlOf(archive);
		if (action === 'init' || action === 'doctor') {
			if (rest.length > 0) throw new UsageError(`\`runbook archive ${action}\` takes no arguments but --archive URL`);
			return action === 'init'
				? archiveInitCommand(optional('archive', url))
				: archiveDoctorCommand(optional('archive', url));
		}
		if (action === 'push') {
			const {values, positionals} = parse(rest, 'archive', {all: {type: 'boolean'}, 'log-dir': {type: 'string'}});
			if (positionals.length > 1 || (positionals.length === 1 && values.all))
				throw new UsageError('`runbook archive push` takes one SESSION or --all');
			return archivePushCommand({
				...optional('archive', url),
				...optional('session', positionals[0]),
				isAll: Boolean(values.all),
				sessions: sessionsDir(values['log-dir'] as string | undefined),
			});
		}
		throw new UsageError('`runbook archive` takes init, doctor or push; see `runbook archive --help`');
	},
	async config(args) {
		const [action, key, value, ...rest] = args;
		if (action !== 'set' || key === undefined || value === undefined || rest.length > 0)
			throw new UsageError('usage: runbook config set archive postgres://… (an empty URL removes it)');
		const {configSetCommand} = await quietCommands();
		return configSetCommand(key, value);
	},
	async schema(args) {
		if (args.length > 0) throw new UsageError('`runbook schema` takes no arguments');
		const {schemaCommand} = await quietCommands();
		return schemaCommand();
	},
};

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
	const run = Object.hasOwn(commands, command) ? commands[command] : undefined;
	if (!run)
		throw new UsageError(
			`unknown command \`${command}\`${didYouMean(
				command,
				Object.keys(help).filter((c) => c !== 'main'),
			)}; see \`runbook --help\``,
		);
	return run(rest);
}

function parse(args: string[], command: string, options: NonNullable<ParseArgsConfig['options']>) {
	try {
		return parseArgs({args, options, allowPositionals: true, strict: true});
	} catch (error) {
		throw new UsageError(
			`${(error as Error).message.split('\n')[0]!.replace(/^Unknown option/, 'unknown option')}; see \`runbook ${command} --help\``,
		);
	}
}

/** `{[key]: value}` when the option was given, `{}` when not (optional fields stay absent). */
function optional<Key extends string>(key: Key, value: unknown): {[K in Key]?: string} {
	return value === undefined ? {} : ({[key]: value as string} as {[K in Key]?: string});
}

/**
 * `--archive URL`, `--archive=URL`, or a bare `--archive` (the configured archive: RUNBOOK_ARCHIVE
 * or the setting); the rest of the arguments for the strict parser.
 */
function takeArchiveFlag(argv: string[]): {args: string[]; archive?: string | true} {
	const args: string[] = [];
	let archive: string | true | undefined;
	for (let index = 0; index < argv.length; index++) {
		const arg = argv[index]!;
		if (arg.startsWith('--archive=')) archive = arg.slice('--archive='.length);
		else if (arg !== '--archive') args.push(arg);
		else if (/^postgres(ql)?:\/\//.test(argv[index + 1] ?? '')) archive = argv[++index]!;
		else archive = true;
	}
	return {args, ...(archive !== undefined ? {archive} : {})};
}

/** `--since`: a date or time (2026-11-30, 2026-11-30T09:00Z), or a span back from now (90m, 24h, 7d). */
function sinceDate(text: string): Date {
	const span = /^(\d+)([mhd])$/.exec(text);
	if (span)
		return new Date(
			Date.now() - Number(span[1]) * {m: 60_000, h: 3_600_000, d: 86_400_000}[span[2] as 'm' | 'h' | 'd'],
		);
	const date = new Date(text);
	if (Number.isNaN(date.getTime()))
		throw new UsageError(`--since ${text}: expected a date (2026-11-30) or a span (24h, 7d)`);
	return date;
}

function positiveNumber(flag: string, value: unknown, fallback: number): number {
	if (value === undefined) return fallback;
	const number = Number(value);
	if (!Number.isFinite(number) || number <= 0)
		throw new UsageError(`--${flag} ${String(value)}: expected a positive number`);
	return number;
}

/** A bug: the stack for the report, and status 70. Lines already in the log are whole and stay. */
function reportBug(error: unknown) {
	process.stderr.write(
		`runbook: internal error; please report it with the steps that led here.\n${(error as Error)?.stack ?? String(error)}\n`,
	);
	process.exit(70);
}
process.on('uncaughtException', reportBug);
process.on('unhandledRejection', reportBug);
// Past a file-size limit the kernel would kill us with SIGXFSZ; ignored, the write fails with
// EFBIG instead, and the session stops before its next command and says why.
process.on('SIGXFSZ', () => {});
// The reader of our output went away (`| head -1`): what is left has nowhere to go, and that is
// no error. A terminal that is gone (EIO) ends us as its SIGHUP would. A live session detaches
// first (drive-session.ts).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
	if (error.code === 'EPIPE') process.exit(0);
	if (error.code === 'EIO') process.exit(129);
	reportBug(error);
});

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
