// Colours by meaning. Components never name a colour.
export const theme = {
	ok: 'green',
	failed: 'red',
	waiting: 'yellow',
	running: 'cyan',
	accent: 'cyan',
	muted: 'gray',
	danger: 'red',
} as const;

export type Tone = keyof typeof theme;
