// What the header says about the team archive while a session streams to it. Pure.

export type ArchiveProgress = {archived: number; written: number; problem?: string; refused?: boolean};

/** `archive ✓` when every line written is archived, else how many wait; `archive refused` when it will not take this log. */
export function archiveBadge(progress: ArchiveProgress): string {
	if (progress.refused) return 'archive refused';
	const behind = progress.written - progress.archived;
	return behind <= 0 ? 'archive ✓' : `archive: ${behind} event${behind === 1 ? '' : 's'} behind`;
}
