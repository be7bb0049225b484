// Did-you-mean suggestions for a mistyped key, var, step id or command. Pure.

/** `; did you mean \`x\`?` when one of `options` is near enough to `word`, else nothing. */
export function didYouMean(word: string, options: readonly string[]): string {
	const near = closest(word, options);
	return near ? `; did you mean \`${near}\`?` : '';
}

/** The nearest of `options` to `word` by edit distance, if it is near enough to be a typo. */
export function closest(word: string, options: readonly string[]): string | undefined {
	let best: string | undefined;
	let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
	for (const option of options) {
		const d = editDistance(word.toLowerCase(), option.toLowerCase());
		if (d < bestDistance) {
			best = option;
			bestDistance = d;
		}
	}
	return best;
}

function editDistance(a: string, b: string): number {
	let row = Array.from({length: b.length + 1}, (_, i) => i);
	for (let i = 1; i <= a.length; i++) {
		const next = [i];
		for (let j = 1; j <= b.length; j++) {
			next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
		}
		row = next;
	}
	return row[b.length]!;
}
