// Frames under a flood of output: at most one per frame, the last change always drawn, and when a
// frame is slow to draw the next waits longer, so drawing never takes most of the runner's time.
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {frameMs, throttleFrames} from '../../src/ui/frame-throttle.js';

/** Requests a redraw every millisecond for `forMs`; the times frames were drawn at. */
async function flood(drawMs: number, forMs: number): Promise<number[]> {
	const drawnAt: number[] = [];
	const frames = throttleFrames(() => {
		drawnAt.push(performance.now());
		// Drawing takes this long (the fake clock moves; no timer is due meanwhile).
		vi.advanceTimersByTime(drawMs);
	});
	for (let at = 0; at < forMs; at++) {
		frames.request();
		await vi.advanceTimersByTimeAsync(1);
	}
	await vi.advanceTimersByTimeAsync(1000);
	frames.cancel();
	return drawnAt;
}

const gaps = (times: number[]) => times.slice(1).map((time, i) => time - times[i]!);

describe('frames under a flood of changes', () => {
	beforeEach(() => {
		vi.useFakeTimers({toFake: ['setTimeout', 'clearTimeout', 'performance']});
	});
	afterEach(() => {
		vi.useRealTimers();
	});

	it('draws a quick frame every frameMs, and the last change after the flood ends', async () => {
		const drawnAt = await flood(1, 1000);
		expect(Math.min(...gaps(drawnAt))).toBeGreaterThanOrEqual(frameMs);
		expect(drawnAt.length).toBeGreaterThanOrEqual(1000 / frameMs - 2);
		expect(drawnAt.at(-1)).toBeGreaterThanOrEqual(999);
	});

	it('spaces slow frames out, so drawing takes a small share of the time, yet still draws', async () => {
		const drawnAt = await flood(20, 2000);
		// 20 ms a frame: drawn about every 250 ms (the longest wait), not every 50 ms.
		const drawnMs = drawnAt.length * 20;
		expect(drawnMs / 2000).toBeLessThanOrEqual(0.1);
		expect(Math.max(...gaps(drawnAt))).toBeLessThanOrEqual(250 + 20);
		expect(drawnAt.at(-1)).toBeGreaterThanOrEqual(1999 - 250);
	});
});
