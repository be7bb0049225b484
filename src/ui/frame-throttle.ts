// Redraws under a flood of changes: at most one a frame. The session tells the screen of every
// burst of changes; Ink throttles its terminal writes (maxFps) but renders React on every update,
// so the screen asks for a new snapshot at most once per frame: at once when the last was a
// frame ago, else at the end of the frame, so the last change is always drawn.

/** The shortest time between two redraws: 20 a second stays responsive under a flood of output. */
export const frameMs = 50;

/** `redraw`, called at most once per `intervalMs` however often the result is called; the last call always lands. */
export function throttleFrames(redraw: () => void, intervalMs = frameMs): {request: () => void; cancel: () => void} {
	let lastMs = -Infinity;
	let timer: ReturnType<typeof setTimeout> | undefined;
	const run = () => {
		timer = undefined;
		lastMs = performance.now();
		redraw();
	};
	return {
		request() {
			if (timer) return;
			const waitMs = lastMs + intervalMs - performance.now();
			if (waitMs <= 0) run();
			else timer = setTimeout(run, waitMs);
		},
		cancel() {
			if (timer) clearTimeout(timer);
			timer = undefined;
		},
	};
}
