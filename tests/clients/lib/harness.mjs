// What every client suite shares: the node URL, the dev accounts, named assertions with one line per
// failure and a closing "N passed, N failed", and timeouts so that nothing waits forever.
import { randomBytes } from 'node:crypto';

export const DEV_MNEMONIC = 'test test test test test test test test test test test junk';
export const devPath = (i) => `m/44'/60'/0'/0/${i}`;

// The URL: first argument, else BRAID_RPC_URL, else the node's default address.
export function rpcUrl() {
  return process.argv[2] || process.env.BRAID_RPC_URL || 'http://127.0.0.1:8545';
}

// Milliseconds to wait for one transaction's receipt before calling it lost (interval mining may
// take a block time or two).
export const RECEIPT_TIMEOUT_MS = Number(process.env.BRAID_RECEIPT_TIMEOUT_MS || 60_000);

export class Suite {
  constructor(name) {
    this.name = name;
    this.passed = 0;
    this.failed = 0;
    this.verbose = !!process.env.VERBOSE;
    // The whole suite's deadline: prints what it has and exits instead of hanging.
    const limit = Number(process.env.BRAID_SUITE_TIMEOUT_MS || 300_000);
    this.watchdog = setTimeout(() => {
      this.fail('suite finished in time', `still running after ${limit / 1000} s`);
      this.finish();
    }, limit);
    this.watchdog.unref();
    // Whatever escapes the steps (a call the node refuses, say) still ends in the summary line.
    const crash = (e) => {
      this.fail('suite ran to the end', `stopped by ${errorText(e)}`);
      this.finish();
    };
    process.on('uncaughtException', crash);
    process.on('unhandledRejection', crash);
  }

  pass(name) {
    this.passed++;
    if (this.verbose) console.log(`ok   ${this.name}: ${name}`);
  }

  fail(name, detail) {
    this.failed++;
    console.log(`FAIL ${this.name}: ${name}${detail === undefined ? '' : `: ${detail}`}`);
  }

  // A named assertion: `cond` true passes; otherwise `detail` (a string or a function giving one)
  // explains the failure.
  check(name, cond, detail) {
    if (cond) this.pass(name);
    else this.fail(name, typeof detail === 'function' ? detail() : detail);
    return !!cond;
  }

  eq(name, actual, expected) {
    const same = stringify(actual) === stringify(expected);
    return this.check(name, same, () => `got ${stringify(actual)}, expected ${stringify(expected)}`);
  }

  // eq on what `fn` resolves to; a throw fails the assertion instead of the suite.
  async expect(name, fn, expected) {
    let actual;
    try {
      actual = await fn();
    } catch (e) {
      this.fail(name, `threw ${errorText(e)}`);
      return false;
    }
    return this.eq(name, actual, expected);
  }

  // Runs one step; an exception fails it (and only it) with its message. Returns the step's value,
  // or undefined when it threw.
  async step(name, fn) {
    try {
      return await fn();
    } catch (e) {
      this.fail(name, `threw ${errorText(e)}`);
      return undefined;
    }
  }

  // Expects `fn` to throw; hands the error to `inspect` for further checks.
  async throws(name, fn, inspect) {
    let threw = false;
    try {
      await fn();
    } catch (e) {
      threw = true;
      this.pass(name);
      if (inspect) await inspect(e);
    }
    if (!threw) this.fail(name, 'did not throw');
  }

  finish() {
    clearTimeout(this.watchdog);
    console.log(`${this.passed} passed, ${this.failed} failed`);
    process.exit(this.failed ? 1 : 0);
  }
}

export function stringify(v) {
  return JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x));
}

export function errorText(e) {
  const msg = e && (e.shortMessage || e.message) ? e.shortMessage || e.message : String(e);
  return msg.split('\n')[0].slice(0, 300);
}

// Resolves with `promise`, or rejects after `ms` with a message naming what was awaited.
export function withTimeout(promise, ms, what) {
  let timer;
  const t = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s waiting for ${what}`)), ms);
  });
  return Promise.race([promise, t]).finally(() => clearTimeout(timer));
}

// Runs `fn` over `items` with at most `limit` calls in flight; results in input order.
export async function mapLimit(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

// One raw JSON-RPC call with a timeout, independent of any client library: used to check that the
// node answers at all before a suite starts, and for methods a library does not wrap.
export async function rawRpc(url, method, params = [], timeoutMs = 10_000) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) throw new Error(`${method}: HTTP ${res.status}`);
  const body = await res.json();
  if (body.error) throw new Error(`${method}: ${body.error.message} (code ${body.error.code})`);
  return body.result;
}

// Fails the suite at once, with a clear message, when nothing answers at `url`.
export async function requireNode(suite, url) {
  try {
    const id = await rawRpc(url, 'eth_chainId', [], 5000);
    suite.pass('node answers eth_chainId');
    return id;
  } catch (e) {
    const why = e.cause ? `${e.message} (${e.cause.code || e.cause.message})` : e.message;
    suite.fail('node answers eth_chainId', `no JSON-RPC node at ${url}: ${why}`);
    suite.finish();
  }
}

// Throwaway recipient addresses that nobody holds a key for and that start with no balance.
export function freshAddresses(count) {
  return Array.from({ length: count }, () => `0x${randomBytes(20).toString('hex')}`);
}
