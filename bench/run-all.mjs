// npm run bench: every benchmark, each printing its baseline from the same run; the tables and
// figures also go to bench/results.json (not committed), merged by section so one section can be
// run again (`node bench/run-all.mjs steps`). `node bench/run-all.mjs table` prints the last
// results as the README's Markdown table.
import {execFileSync} from 'node:child_process';
import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {benchStartup} from './startup.mjs';
import {benchBigOutput} from './big-output.mjs';
import {benchLongSession} from './long-session.mjs';
import {benchStepOverhead} from './step-overhead.mjs';
import {benchAudit} from './audit.mjs';
import {benchKill9} from './kill9.mjs';
import {benchReplay} from './replay.mjs';
import {benchWatch} from './watch.mjs';
import {benchIdle} from './idle.mjs';
import {benchArchive} from './archive.mjs';
import {benchScale} from './scale.mjs';
import {benchPager} from './pager.mjs';
import {root, tables} from './lib.mjs';

const sections = {
	startup: benchStartup,
	scale: benchScale,
	steps: benchStepOverhead,
	output: benchBigOutput,
	long: benchLongSession,
	audit: benchAudit,
	kill9: benchKill9,
	replay: benchReplay,
	watch: benchWatch,
	idle: benchIdle,
	archive: benchArchive,
	pager: benchPager,
};
const resultsFile = path.join(root, 'bench', 'results.json');

/** The machine the figures are from: cores, CPU model, Node version. */
function machine() {
	const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
	return {
		nproc: Number(execFileSync('nproc', {encoding: 'utf8'}).trim()),
		cpu: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown',
		node: process.version,
	};
}

function markdown(results) {
	const lines = [`Last run: ${results.machine.nproc} cores, ${results.machine.cpu}, Node ${results.machine.node}.`, ''];
	for (const [name, section] of Object.entries(results.sections)) {
		for (const {title, rows} of section.tables) {
			lines.push(`**${name}: ${title}** (${section.at.slice(0, 16).replace('T', ' ')} UTC)`, '');
			const [head, ...body] = rows;
			lines.push(`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`);
			for (const row of body) lines.push(`| ${row.join(' | ')} |`);
			lines.push('');
		}
	}
	return lines.join('\n');
}

const only = process.argv[2];
const previous = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : {sections: {}};
if (only === 'table') {
	console.log(markdown(previous));
} else {
	if (only !== undefined && !sections[only])
		throw new Error(`no bench section \`${only}\`; one of: ${Object.keys(sections).join(', ')}, table`);
	const results = {machine: machine(), sections: {...previous.sections}};
	for (const [name, bench] of Object.entries(sections)) {
		if (only !== undefined && only !== name) continue;
		const first = tables.length;
		const figures = await bench();
		results.sections[name] = {at: new Date().toISOString(), figures: figures ?? {}, tables: tables.slice(first)};
		writeFileSync(resultsFile, `${JSON.stringify(results, null, '\t')}\n`);
	}
	console.log(`\nresults: ${path.relative(process.cwd(), resultsFile)}`);
}
