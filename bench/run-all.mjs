// npm run bench: every benchmark, each printing its baseline from the same run.
import {benchStartup} from './startup.mjs';
import {benchBigOutput} from './big-output.mjs';
import {benchStepOverhead} from './step-overhead.mjs';
import {benchAudit} from './audit.mjs';
import {benchKill9} from './kill9.mjs';
import {benchReplay} from './replay.mjs';
import {benchWatch} from './watch.mjs';
import {benchIdle} from './idle.mjs';
import {benchArchive} from './archive.mjs';

const only = process.argv[2];
if (!only || only === 'startup') await benchStartup();
if (!only || only === 'steps') await benchStepOverhead();
if (!only || only === 'output') await benchBigOutput();
if (!only || only === 'audit') await benchAudit();
if (!only || only === 'kill9') await benchKill9();
if (!only || only === 'replay') await benchReplay();
if (!only || only === 'watch') await benchWatch();
if (!only || only === 'idle') await benchIdle();
if (!only || only === 'archive') await benchArchive();
