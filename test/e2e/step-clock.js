// Where the e2e's time goes: every named step (state.step = '…') is timed, and the slowest are
// listed at the end. A step near TIMEOUT_MS is a wait that ran into its timeout: a selector that
// never matches or a state that already passed, which this table makes visible.
'use strict';

class StepClock {
  constructor(log) {
    this.log = log;
    this.done = [];
    this.current = 'init';
    this.started = Date.now();
  }

  get step() { return this.current; }

  set step(name) {
    this.finish();
    this.current = name;
    this.started = Date.now();
  }

  /** Closes the running step (at a scenario's end). */
  finish() {
    if (!this.current) return;
    const ms = Date.now() - this.started;
    this.done.push({ name: this.current, ms });
    if (ms > 5000) this.log(`slow step (${(ms / 1000).toFixed(1)} s): ${this.current}`);
    this.current = '';
  }

  /** The steps by time, slowest first, as log lines. */
  summary(count = 12) {
    const total = this.done.reduce((sum, s) => sum + s.ms, 0);
    const rows = [...this.done].sort((a, b) => b.ms - a.ms).slice(0, count)
      .map((s) => `${(s.ms / 1000).toFixed(1).padStart(6)} s  ${s.name}`);
    return [`steps: ${this.done.length}, ${(total / 1000).toFixed(1)} s in all; slowest:`, ...rows];
  }
}

/**
 * E2E_PROFILE=1: logs every locator call and page wait slower than `threshold` ms with its
 * selector, to find the one wait in a step that runs into its timeout.
 */
function profileWaits(page, log, threshold = 1500) {
  const timed = (proto, names, describe) => {
    for (const name of names) {
      const original = proto[name];
      if (typeof original !== 'function' || original.profiled) continue;
      const wrapped = async function (...args) {
        const t = Date.now();
        try {
          return await original.apply(this, args);
        } finally {
          const ms = Date.now() - t;
          if (ms > threshold) log(`  wait ${(ms / 1000).toFixed(1)} s: ${name} ${describe(this, args)}`);
        }
      };
      wrapped.profiled = true;
      proto[name] = wrapped;
    }
  };
  const locator = Object.getPrototypeOf(page.locator('body'));
  timed(locator, ['waitFor', 'click', 'fill', 'innerText', 'allInnerTexts', 'getAttribute', 'isVisible', 'count'], (self) => String(self).slice(0, 160));
  timed(Object.getPrototypeOf(page), ['waitForTimeout', 'screenshot', 'waitForFunction'], (_self, args) => JSON.stringify(args[0] ?? '').slice(0, 80));
  timed(Object.getPrototypeOf(page.keyboard), ['press', 'type'], (_self, args) => JSON.stringify(args[0]));
}

module.exports = { StepClock, profileWaits };
