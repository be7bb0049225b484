// The commands that draw on the terminal (and so load Ink and React), imported together by the
// CLI when one of them runs: one chunk of the bundle, not one per command, so `run` starts
// with a few module loads instead of dozens.
export {approveCommand} from './approve.js';
export {archiveUrlOf} from './archive-read.js';
export {replayCommand} from './replay.js';
export {resumeCommand} from './resume.js';
export {runCommand} from './run.js';
export {loadSigningIdentity} from './signing-identity.js';
export {watchCommand} from './watch.js';
