import { test } from "node:test";
import assert from "node:assert/strict";
import { RefreshThrottle, type ThrottleClock } from "./refresh-throttle";

/** A clock the test advances by hand; timers fire when their time comes. */
class FakeClock implements ThrottleClock {
  time = 1000;
  private timers = new Map<number, { at: number; callback: () => void }>();
  private nextId = 1;
  now = () => this.time;
  setTimer = (callback: () => void, ms: number) => {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, callback });
    return id;
  };
  clearTimer = (handle: unknown) => void this.timers.delete(handle as number);
  advance(ms: number): void {
    this.time += ms;
    for (const [id, timer] of [...this.timers]) {
      if (timer.at <= this.time) {
        this.timers.delete(id);
        timer.callback();
      }
    }
  }
}

test("the first request runs at once; a burst inside 250 ms becomes one trailing run", () => {
  const clock = new FakeClock();
  let runs = 0;
  const throttle = new RefreshThrottle(() => runs++, 250, clock);
  throttle.request();
  assert.equal(runs, 1);
  clock.advance(50);
  throttle.request();
  throttle.request();
  throttle.request();
  assert.equal(runs, 1, "coalesced");
  assert.equal(throttle.pending, true);
  clock.advance(199);
  assert.equal(runs, 1, "not before the interval is over");
  clock.advance(1);
  assert.equal(runs, 2, "one trailing run at 250 ms");
  clock.advance(1000);
  assert.equal(runs, 2, "no run without a request");
});

test("steady requests every 10 ms run at most every 250 ms", () => {
  const clock = new FakeClock();
  const times: number[] = [];
  const throttle = new RefreshThrottle(() => times.push(clock.time), 250, clock);
  for (let t = 0; t < 1000; t += 10) {
    throttle.request();
    clock.advance(10);
  }
  assert.ok(times.length >= 4 && times.length <= 5, `${times.length} runs in a second`);
  for (let i = 1; i < times.length; i++) assert.ok(times[i] - times[i - 1] >= 250, `gap ${times[i] - times[i - 1]} ms`);
});

test("flush runs now and drops the pending run; cancel drops it", () => {
  const clock = new FakeClock();
  let runs = 0;
  const throttle = new RefreshThrottle(() => runs++, 250, clock);
  throttle.request();
  clock.advance(10);
  throttle.request();
  throttle.flush();
  assert.equal(runs, 2);
  clock.advance(500);
  assert.equal(runs, 2, "the trailing run was replaced by the flush");
  throttle.request();
  assert.equal(runs, 3);
  clock.advance(10);
  throttle.request();
  throttle.cancel();
  clock.advance(500);
  assert.equal(runs, 3);
});
