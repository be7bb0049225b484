// Redraws under a flood of changes: at most one a frame. The session tells the screen of every
// burst of changes; Ink throttles its terminal writes (maxFps) but renders React on every update,
// so the screen asks for a new snapshot at most once per frame: at once when the last was a
// frame ago, else at the end of the frame, so the last change is always drawn.
//
// A frame also has a budget: when drawing one takes long (a flood of output keeps the runner
// busy, and every frame redraws the whole live area), the next waits longer, so drawing takes at
// most about 1/`budgetShare` of the time and the output itself gets the rest.

/** The shortest time between two redraws: 20 a second stays responsive under a flood of output. */
export const frameMs = 50;
/** A frame may take at most this share of the time between frames... */
const budgetShare = 20;
/** ...but the screen is redrawn at least this often while changes come in. */
const maxFrameMs = 250;

/**
 * `redraw`, called at most once per `intervalMs` (longer while drawing is slow) however often the
 * result is called; the last call always lands.
 */
export function throttleFrames(redraw: () => void, intervalMs = frameMs): {request: () => void; cancel: () => void} {
	let lastMs = -Infinity;
	let gapMs = intervalMs;
	let timer: ReturnType<typeof setTimeout> | undefined;
	const run = () => {
		timer = undefined;
		lastMs = performance.now();
		redraw();
		// React draws the frame in the microtask its update queued: this one runs after it.
		queueMicrotask(() => {
			gapMs = Math.min(maxFrameMs, Math.max(intervalMs, (performance.now() - lastMs) * budgetShare));
		});
	};
	return {
		request() {
			if (timer) return;
			const waitMs = lastMs + gapMs - performance.now();
			if (waitMs <= 0) run();
			else timer = setTimeout(run, waitMs);
		},
		cancel() {
			if (timer) clearTimeout(timer);
			timer = undefined;
		},
	};
}
