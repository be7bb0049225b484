// argv -> the subcommands, and the exit policy: the only file that sets the exit code.
// Exit codes: 0 success; 1 the run failed or was aborted; 2 bad usage or bad input
// (or a run that needs an operator where there is none); 70 a bug in runbook.
import {parseArgs, type ParseArgsConfig} from 'node:util';
import {didYouMean} from './core/runbook/shape.js';
import {terminalText} from './core/text/sanitize.js';
import {approveCommand} from './commands/approve.js';
import {exportCommand} from './commands/export.js';
import {importCommand} from './commands/import.js';
import {keysCommand} from './commands/keys.js';
import {replayCommand} from './commands/replay.js';
import {resumeCommand} from './commands/resume.js';
import {runCommand} from './commands/run.js';
import {schemaCommand} from './commands/schema.js';
import {sessionsCommand} from './commands/sessions.js';
import {configDirOrUnknown, loadSigningIdentity} from './commands/signing-identity.js';
import {UsageError} from './commands/usage-error.js';
import {validateCommand} from './commands/validate.js';
import {verifyCommand} from './commands/verify.js';
import {watchCommand} from './commands/watch.js';
import {sessionsDir} from './store/sessions-dir.js';
import {help} from './help.js';
import {version} from './version.js';

type Command = (args: string[]) => number | Promise<number>;

/** Each command's options, checked strictly, and the call of its function in commands/. */
const commands: Record<string, Command> = {
	run(args) {
		const {values, positionals} = parse(args, 'run', {
			var: {type: 'string', multiple: true},
			'var-file': {type: 'string'},
			'dry-run': {type: 'boolean'},
			from: {type: 'string'},
			yes: {type: 'boolean'},
			'log-dir': {type: 'string'},
			'allowed-signers': {type: 'string'},
		});
		if (positionals.length !== 1)
			throw new UsageError(
				`\`runbook run\` takes one FILE${positionals.length > 1 ? `, not ${positionals.length}` : ''}; see \`runbook run --help\``,
			);
		return runCommand({
			file: positionals[0]!,
			vars: (values.var as string[] | undefined) ?? [],
			...optional('varFile', values['var-file']),
			isDryRun: Boolean(values['dry-run']),
			...optional('from', values.from),
			isPreApproved: Boolean(values.yes),
			sessions: sessionsDir(values['log-dir'] as string | undefined),
			...optional('allowedSigners', values['allowed-signers']),
		});
	},
	resume(args) {
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
		return resumeCommand({
			...optional('session', positionals[0]),
			vars: (values.var as string[] | undefined) ?? [],
			...optional('varFile', values['var-file']),
			isStrict: Boolean(values.strict),
			isPreApproved: Boolean(values.yes),
			sessions: sessionsDir(values['log-dir'] as string | undefined),
			...optional('allowedSigners', values['allowed-signers']),
		});
	},
	watch(args) {
		const {values, positionals} = parse(args, 'watch', {'log-dir': {type: 'string'}});
		if (positionals.length > 1)
			throw new UsageError(`\`runbook watch\` takes at most one SESSION, not ${positionals.length}`);
		return watchCommand({
			...optional('session', positionals[0]),
			sessions: sessionsDir(values['log-dir'] as string | undefined),
		});
	},
	import(args) {
		const {values, positionals} = parse(args, 'import', {output: {type: 'string', short: 'o'}});
		if (positionals.length !== 1)
			throw new UsageError('`runbook import` takes one CHECKLIST.md; see `runbook import --help`');
		return importCommand({file: positionals[0]!, ...optional('output', values.output)});
	},
	approve(args) {
		const {values, positionals} = parse(args, 'approve', {'log-dir': {type: 'string'}});
		if (positionals.length > 1)
			throw new UsageError(`\`runbook approve\` takes at most one SESSION, not ${positionals.length}`);
		return approveCommand({
			...optional('session', positionals[0]),
			sessions: sessionsDir(values['log-dir'] as string | undefined),
			loadIdentity: loadSigningIdentity,
		});
	},
	validate(args) {
		return validateCommand(parse(args, 'validate', {}).positionals);
	},
	verify(args) {
		const {values, positionals} = parse(args, 'verify', {
			'allowed-signers': {type: 'string'},
			principal: {type: 'string'},
			json: {type: 'boolean'},
			'log-dir': {type: 'string'},
		});
		if (positionals.length !== 1)
			throw new UsageError('`runbook verify` takes one SESSION; see `runbook verify --help`');
		return verifyCommand({
			session: positionals[0]!,
			sessions: sessionsDir(values['log-dir'] as string | undefined),
			isJson: Boolean(values.json),
			...optional('allowedSigners', values['allowed-signers']),
			...optional('principal', values.principal),
		});
	},
	sessions(args) {
		const {values, positionals} = parse(args, 'sessions', {json: {type: 'boolean'}, 'log-dir': {type: 'string'}});
		if (positionals.length > 0) throw new UsageError('`runbook sessions` takes no arguments');
		return sessionsCommand({
			sessions: sessionsDir(values['log-dir'] as string | undefined),
			isJson: Boolean(values.json),
		});
	},
	export(args) {
		const {values, positionals} = parse(args, 'export', {
			format: {type: 'string'},
			output: {type: 'string', short: 'o'},
			force: {type: 'boolean'},
			'log-dir': {type: 'string'},
		});
		if (positionals.length !== 1)
			throw new UsageError('`runbook export` takes one SESSION; see `runbook export --help`');
		if (values.format === undefined) throw new UsageError('`runbook export` needs --format md, html, json or cast');
		return exportCommand({
			session: positionals[0]!,
			sessions: sessionsDir(values['log-dir'] as string | undefined),
			format: values.format as string,
			...optional('output', values.output),
			isForced: Boolean(values.force),
		});
	},
	replay(args) {
		const {values, positionals} = parse(args, 'replay', {
			speed: {type: 'string'},
			'idle-limit': {type: 'string'},
			'start-at': {type: 'string'},
			force: {type: 'boolean'},
			'log-dir': {type: 'string'},
		});
		if (positionals.length !== 1)
			throw new UsageError('`runbook replay` takes one SESSION; see `runbook replay --help`');
		return replayCommand({
			session: positionals[0]!,
			sessions: sessionsDir(values['log-dir'] as string | undefined),
			isForced: Boolean(values.force),
			speed: positiveNumber('speed', values.speed, 1),
			idleLimitUs: positiveNumber('idle-limit', values['idle-limit'], 2) * 1_000_000,
			...optional('startAt', values['start-at']),
		});
	},
	async keys(args) {
		const {values, positionals} = parse(args, 'keys', {use: {type: 'string'}});
		if (positionals.length > 0) throw new UsageError('`runbook keys` takes no arguments');
		try {
			return await keysCommand(optional('use', values.use));
		} catch (error) {
			throw new UsageError(
				`cannot set up the signing identity in ${configDirOrUnknown()}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
			);
		}
	},
	schema(args) {
		if (args.length > 0) throw new UsageError('`runbook schema` takes no arguments');
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
