// What of a session's log the archive holds, remembered in `archive.json` beside the log, so that
// a run, `archive push` or a later run know where to go on from without asking the database first.
import {readFileSync} from 'node:fs';
import {rename, writeFile} from 'node:fs/promises';
import path from 'node:path';

/** The marker beside the log: the last line the archive acknowledged, and where the next one starts. */
export type ArchiveMarker = {archived: number; offset: number; approvalId: number; hasSig?: boolean};
export const markerName = 'archive.json';

/** What `archive.json` says, or nothing archived yet. */
export function readMarker(dir: string): ArchiveMarker {
	try {
		const parsed = JSON.parse(readFileSync(path.join(dir, markerName), 'utf8')) as Partial<ArchiveMarker>;
		return {
			archived: parsed.archived ?? -1,
			offset: parsed.offset ?? 0,
			approvalId: parsed.approvalId ?? 0,
			...(parsed.hasSig ? {hasSig: true} : {}),
		};
	} catch {
		return {archived: -1, offset: 0, approvalId: 0};
	}
}

/** Writes markers one after another (a batch and an approval may finish together), each replacing the file whole. */
export class MarkerFile {
	private saving: Promise<void> = Promise.resolve();
	private readonly file: string;

	constructor(dir: string) {
		this.file = path.join(dir, markerName);
	}

	save(marker: ArchiveMarker): Promise<void> {
		const text = `${JSON.stringify(marker)}\n`;
		this.saving = this.saving.then(async () => {
			await writeFile(`${this.file}.tmp`, text, {mode: 0o640});
			await rename(`${this.file}.tmp`, this.file);
		});
		return this.saving;
	}
}
