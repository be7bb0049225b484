// The commands that draw nothing (no Ink, no React), imported together by the CLI when one of
// them runs; see screen-commands.ts.
export {
	archiveDoctorCommand,
	archiveInitCommand,
	archivePushCommand,
	archiveSessionsCommand,
	configSetCommand,
} from './archive.js';
export {archiveUrlOf} from './archive-read.js';
export {dryRunCommand} from './dry-run.js';
export {exportCommand} from './export.js';
export {importCommand} from './import.js';
export {keysCommand} from './keys.js';
export {schemaCommand} from './schema.js';
export {sessionsCommand} from './sessions.js';
export {configDirOrUnknown} from './signing-identity.js';
export {validateCommand} from './validate.js';
export {verifyCommand} from './verify.js';
