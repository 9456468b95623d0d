#!/usr/bin/env node
// Load benchmark for a JSON-RPC node (braid node --dev, anvil, ...): pre-signs N transactions, pushes
// them with eth_sendRawTransaction in JSON-RPC batches, and times how long the node takes to accept
// them and to mine them all. Then it checks that every one was mined exactly once and succeeded.
//
//   node bench/node_load.mjs --url http://127.0.0.1:8545 --workload transfer|erc20|amm --txs 10000
//        [--senders K] [--batch 500] [--inflight 1] [--pairs 4] [--timeout 300] [--poll 25] [--json]
//
// Workloads (every transaction EIP-1559, each sender's nonces consecutive):
//   transfer  ETH to a distinct new address per transaction (21,000 gas)
//   erc20     Token.transfer to a distinct new address per transaction (tests/clients/contracts)
//   amm       Pair.swap of a small exact input, alternating direction, over --pairs pools
// Senders are K accounts derived from fixed seeds (keccak("braid-node-load-sender-i")), funded from
// the 10 standard dev accounts (mnemonic "test ... junk") before the clock starts; the contracts are
// deployed and the tokens handed out and approved before it too. Default K: one per 500 transactions,
// at least 10, so that no sender has more than 500 in flight (pools cap what one sender may queue).
//
// Measured: submission (first batch sent to last batch answered: accepted tx/s), end to end (first
// batch sent until the block holding the last transaction is seen; blocks are read with
// eth_blockNumber/eth_getBlockByNumber every --poll ms), gas used (sum of receipts), blocks used,
// Mgas/s end to end. Under interval mining the clock starts right after a new block appears (waiting
// up to 3 s for one), so runs meet the block clock in the same phase; end-to-end time still comes in
// steps of the block time, so compare nodes at the same block time and with loads that take several
// blocks' time to submit. Prints a table; --json adds one JSON line at the end. Exit status 0 only when
// every transaction was accepted, mined exactly once and succeeded.
//
// Dependencies: ethers and solc, resolved from tests/clients/node_modules (run `npm ci` there, or
// tests/clients/run.sh once); this script has no package of its own.
import { createRequire } from 'node:module';
import { compileContracts } from '../tests/clients/lib/contracts.mjs';

const require = createRequire(new URL('../tests/clients/package.json', import.meta.url));
let ethers;
try {
  ({ ethers } = require('ethers'));
} catch {
  console.error('node_load: ethers not found; run `npm ci` in tests/clients first');
  process.exit(2);
}

const DEV_MNEMONIC = 'test test test test test test test test test test test junk';
const WORKLOADS = ['transfer', 'erc20', 'amm'];

// --- arguments ----------------------------------------------------------------------------------
function parseArgs(argv) {
  const o = { url: process.env.BRAID_RPC_URL || 'http://127.0.0.1:8545', workload: 'transfer', txs: 10000, senders: 0, batch: 500, inflight: 1, pairs: 4, timeout: 300, poll: 25, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--json') o.json = true;
    else if (a === '--url') o.url = val();
    else if (a === '--workload') o.workload = val();
    else if (['--txs', '--senders', '--batch', '--inflight', '--pairs', '--timeout', '--poll'].includes(a)) {
      const n = Number(val());
      if (!Number.isInteger(n) || n < 0) usage(`${a} needs a non-negative integer`);
      o[a.slice(2)] = n;
    } else if (a === '-h' || a === '--help') usage();
    else usage(`unknown argument ${a}`);
  }
  if (!WORKLOADS.includes(o.workload)) usage(`unknown workload ${o.workload}`);
  if (o.txs < 1) usage('--txs must be at least 1');
  if (o.batch < 1 || o.inflight < 1 || o.pairs < 1) usage('--batch, --inflight and --pairs must be at least 1');
  if (!o.senders) o.senders = Math.max(10, Math.ceil(o.txs / 500));
  o.senders = Math.min(o.senders, o.txs);
  return o;
}

function usage(msg) {
  if (msg) console.error(`node_load: ${msg}`);
  console.error('usage: node bench/node_load.mjs --url URL --workload transfer|erc20|amm --txs N [--senders K] [--batch 500] [--inflight 1] [--pairs 4] [--timeout 300] [--poll 25] [--json]');
  process.exit(2);
}

const opt = parseArgs(process.argv.slice(2));
const log = (...a) => console.error(...a);
const fail = (msg) => {
  console.error(`node_load: ${msg}`);
  process.exit(1);
};

// --- JSON-RPC over plain fetch ---------------------------------------------------------------------
let nextId = 1;
async function post(body, timeoutMs = 60_000) {
  let res;
  try {
    res = await fetch(opt.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    throw new Error(`no answer from ${opt.url}: ${e.cause?.code || e.cause?.message || e.message}`);
  }
  const text = await res.text();
  if (!res.ok) throw new Error(`HTTP ${res.status} from ${opt.url}: ${text.slice(0, 200)}`);
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`not JSON from ${opt.url}: ${text.slice(0, 200)}`);
  }
}

async function rpc(method, params = []) {
  const r = await post(JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }));
  if (r.error) throw new Error(`${method}: ${r.error.message} (code ${r.error.code})`);
  return r.result;
}

// Many calls in one batch; answers in request order, each { result } or { error }.
async function rpcBatch(calls) {
  if (!calls.length) return [];
  const first = nextId;
  nextId += calls.length;
  const body = JSON.stringify(calls.map(([method, params], k) => ({ jsonrpc: '2.0', id: first + k, method, params })));
  const r = await post(body);
  if (!Array.isArray(r)) throw new Error(`batch answered with ${JSON.stringify(r).slice(0, 200)}`);
  const out = new Array(calls.length);
  for (const x of r) if (typeof x.id === 'number' && x.id >= first && x.id < first + calls.length) out[x.id - first] = x;
  return out.map((x) => x || { error: { message: 'no answer in the batch' } });
}

// The same calls in batches of `size`, `inflight` batches at a time.
async function rpcChunked(calls, size = 500, inflight = 2) {
  const chunks = [];
  for (let i = 0; i < calls.length; i += size) chunks.push(calls.slice(i, i + size));
  const out = new Array(chunks.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(inflight, chunks.length) }, async () => {
    while (next < chunks.length) {
      const k = next++;
      out[k] = await rpcBatch(chunks[k]);
    }
  }));
  return out.flat();
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const hex = (n) => `0x${BigInt(n).toString(16)}`;

// --- signing --------------------------------------------------------------------------------------
let chainId;
let maxFeePerGas;
let maxPriorityFeePerGas;

function sign(wallet, nonce, { to, data = '0x', value = 0n, gas }) {
  const tx = ethers.Transaction.from({ type: 2, chainId, nonce, to, data, value, gasLimit: gas, maxFeePerGas, maxPriorityFeePerGas });
  tx.signature = wallet.signingKey.sign(tx.unsignedHash);
  const raw = tx.serialized;
  return { raw, hash: ethers.keccak256(raw) };
}

// Setup transactions (not timed): signed with each wallet's next nonce, sent, waited for, checked.
const nonces = new Map();
async function nonceOf(wallet) {
  if (!nonces.has(wallet.address)) nonces.set(wallet.address, Number(await rpc('eth_getTransactionCount', [wallet.address, 'pending'])));
  const n = nonces.get(wallet.address);
  nonces.set(wallet.address, n + 1);
  return n;
}

async function runSetup(label, items) {
  if (!items.length) return [];
  const signed = [];
  for (const it of items) signed.push(sign(it.wallet, await nonceOf(it.wallet), it));
  const answers = await rpcChunked(signed.map((s) => ['eth_sendRawTransaction', [s.raw]]), 200, 1);
  const refused = answers.findIndex((a) => a.error);
  if (refused >= 0) fail(`setup (${label}): the node refused a transaction: ${answers[refused].error.message}`);
  const receipts = await waitReceipts(signed.map((s) => s.hash), `setup (${label})`);
  const bad = receipts.findIndex((r) => r.status !== '0x1');
  if (bad >= 0) fail(`setup (${label}): transaction ${signed[bad].hash} failed (status ${receipts[bad].status})`);
  return receipts;
}

async function waitReceipts(hashes, what) {
  const deadline = Date.now() + opt.timeout * 1000;
  const got = new Array(hashes.length).fill(null);
  for (;;) {
    const todo = hashes.map((h, i) => [h, i]).filter(([, i]) => !got[i]);
    if (!todo.length) return got;
    const answers = await rpcChunked(todo.map(([h]) => ['eth_getTransactionReceipt', [h]]));
    answers.forEach((a, k) => {
      if (a.result) got[todo[k][1]] = a.result;
    });
    if (got.every(Boolean)) return got;
    if (Date.now() > deadline) fail(`${what}: ${got.filter((r) => !r).length} of ${hashes.length} transactions still without a receipt after ${opt.timeout} s`);
    await sleep(100);
  }
}

// --- the run ----------------------------------------------------------------------------------------
async function main() {
  try {
    chainId = BigInt(await rpc('eth_chainId'));
  } catch (e) {
    fail(`cannot reach a JSON-RPC node: ${e.message}`);
  }
  const head = await rpc('eth_getBlockByNumber', ['latest', false]);
  const baseFee = BigInt(head.baseFeePerGas ?? 0);
  let tip = 1_000_000_000n;
  try {
    tip = BigInt(await rpc('eth_maxPriorityFeePerGas'));
  } catch {
    /* the node lacks it: 1 gwei */
  }
  maxPriorityFeePerGas = tip;
  maxFeePerGas = 2n * baseFee + tip; // room for the base fee to double, as clients do
  const blockGasLimit = BigInt(head.gasLimit);

  const { Token, Pair } = compileContracts();
  const tokenIface = new ethers.Interface(Token.abi);
  const pairIface = new ethers.Interface(Pair.abi);
  const devs = Array.from({ length: 10 }, (_, i) => ethers.HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`));
  const senders = Array.from({ length: opt.senders }, (_, i) => new ethers.Wallet(ethers.id(`braid-node-load-sender-${i}`)));
  const perSender = Math.ceil(opt.txs / opt.senders);
  const runTag = `${Date.now()}-${process.pid}`;
  const recipient = (i) => ethers.getAddress(ethers.dataSlice(ethers.id(`braid-node-load-recipient-${runTag}-${i}`), 12));
  const deployer = devs[0];

  log(`node_load: ${opt.workload}, ${opt.txs} txs from ${opt.senders} senders against ${opt.url} (chain ${chainId}, block gas limit ${blockGasLimit}, base fee ${baseFee})`);

  // Contracts first (their gas decides how much ETH the senders need).
  let token;
  let tokenB;
  let pairs = [];
  const TOKEN_AMOUNT = 10n ** 18n;
  const SWAP_IN = 10n ** 15n;
  if (opt.workload === 'erc20' || opt.workload === 'amm') {
    const deploys = [{ wallet: deployer, data: Token.bytecode + tokenIface.encodeDeploy(['Load A', 'LDA', 10n ** 30n]).slice(2), gas: 3_000_000n }];
    if (opt.workload === 'amm') deploys.push({ wallet: deployer, data: Token.bytecode + tokenIface.encodeDeploy(['Load B', 'LDB', 10n ** 30n]).slice(2), gas: 3_000_000n });
    const rcs = await runSetup('deploy tokens', deploys);
    [token, tokenB] = rcs.map((r) => r.contractAddress);
  }
  if (opt.workload === 'amm') {
    const deploys = Array.from({ length: opt.pairs }, () => ({ wallet: deployer, data: Pair.bytecode + pairIface.encodeDeploy([token, tokenB]).slice(2), gas: 3_000_000n }));
    pairs = (await runSetup('deploy pairs', deploys)).map((r) => r.contractAddress);
    const approve = (wallet, t, spender) => ({ wallet, to: t, data: tokenIface.encodeFunctionData('approve', [spender, ethers.MaxUint256]), gas: 100_000n });
    await runSetup('approve pairs', pairs.flatMap((p) => [approve(deployer, token, p), approve(deployer, tokenB, p)]));
    const liquidity = 10n ** 26n;
    await runSetup('deposit liquidity', pairs.map((p) => ({ wallet: deployer, to: p, data: pairIface.encodeFunctionData('deposit', [liquidity, liquidity]), gas: 300_000n })));
  }

  // What one measured transaction looks like, for sender s and its k-th transaction (global index i).
  const txFor = (i, s, k) => {
    if (opt.workload === 'transfer') return { to: recipient(i), value: 1_000_000_000n };
    if (opt.workload === 'erc20') return { to: token, data: tokenIface.encodeFunctionData('transfer', [recipient(i), TOKEN_AMOUNT]) };
    return { to: pairs[(s + k) % pairs.length], data: pairIface.encodeFunctionData('swap', [SWAP_IN, 0n, k % 2 === 0, senders[s].address]) };
  };

  // Fund the senders with ETH (and tokens, and approvals) before estimating their transactions' gas.
  const fundEth = ethers.parseEther('1') + BigInt(perSender) * (300_000n * maxFeePerGas + 1_000_000_000n) * 2n;
  await runSetup('fund senders', senders.map((w, j) => ({ wallet: devs[j % devs.length], to: w.address, value: fundEth, gas: 21_000n })));
  if (opt.workload === 'erc20')
    await runSetup('hand out tokens', senders.map((w) => ({ wallet: deployer, to: token, data: tokenIface.encodeFunctionData('transfer', [w.address, BigInt(perSender) * TOKEN_AMOUNT]), gas: 100_000n })));
  if (opt.workload === 'amm') {
    const give = BigInt(perSender) * SWAP_IN * 2n;
    await runSetup('hand out tokens', senders.flatMap((w) => [token, tokenB].map((t) => ({ wallet: deployer, to: t, data: tokenIface.encodeFunctionData('transfer', [w.address, give]), gas: 100_000n }))));
    await runSetup('approve pairs', senders.flatMap((w) => pairs.flatMap((p) => [token, tokenB].map((t) => ({ wallet: w, to: t, data: tokenIface.encodeFunctionData('approve', [p, ethers.MaxUint256]), gas: 100_000n })))));
  }

  // Gas limit per transaction: the node's estimate for the first one, plus a quarter (a swap in the
  // other direction or a new recipient may cost a little more).
  const sample = txFor(0, 0, 0);
  const est = BigInt(await rpc('eth_estimateGas', [{ from: senders[0].address, to: sample.to, data: sample.data || '0x', value: hex(sample.value || 0n) }]));
  const gas = opt.workload === 'transfer' ? 21_000n : (est * 5n) / 4n;

  // Pre-sign everything: round-robin over the senders, so that every batch carries consecutive
  // nonces of many senders.
  const base = (await rpcBatch(senders.map((w) => ['eth_getTransactionCount', [w.address, 'pending']]))).map((a) => Number(a.result));
  const tSign = performance.now();
  const txs = [];
  const plan = [];
  for (let i = 0; i < opt.txs; i++) {
    const s = i % opt.senders;
    const k = Math.floor(i / opt.senders);
    txs.push(sign(senders[s], base[s] + k, { ...txFor(i, s, k), gas }));
    plan.push({ s, k });
  }
  const signSeconds = (performance.now() - tSign) / 1000;
  log(`node_load: setup done, ${opt.txs} transactions signed in ${signSeconds.toFixed(1)} s; submitting`);
  const index = new Map(txs.map((t, i) => [t.hash, i]));

  // Under interval mining, start just after a block is sealed, so that every run meets the block
  // clock at the same phase (an automining node makes no block here, and the run starts after 3 s).
  let startBlock = Number(await rpc('eth_blockNumber'));
  const alignUntil = Date.now() + 3000;
  let aligned = false;
  while (Date.now() < alignUntil) {
    const n = Number(await rpc('eth_blockNumber'));
    if (n > startBlock) {
      startBlock = n;
      aligned = true;
      break;
    }
    await sleep(5);
  }

  // --- the clock starts ---
  const seenIn = new Array(opt.txs).fill(0); // how many blocks list each transaction
  const blockOf = new Array(opt.txs).fill(-1);
  const blocks = []; // { number, txs, ours, gasUsed, gasLimit, seenAt }
  let accepted = 0;
  let included = 0;
  let lastSeenAt = 0;
  let submitting = true;
  let scanned = startBlock;
  const t0 = performance.now();
  const deadline = Date.now() + opt.timeout * 1000;

  const watcher = (async () => {
    while (submitting || included < accepted) {
      if (Date.now() > deadline) return false;
      const headNum = Number(await rpc('eth_blockNumber'));
      if (headNum > scanned) {
        const numbers = [];
        for (let n = scanned + 1; n <= headNum; n++) numbers.push(n);
        const got = await rpcChunked(numbers.map((n) => ['eth_getBlockByNumber', [hex(n), false]]), 100, 2);
        const seenAt = performance.now();
        for (const [k, a] of got.entries()) {
          const b = a.result;
          if (!b) throw new Error(`block ${numbers[k]} missing: ${a.error?.message}`);
          let ours = 0;
          for (const h of b.transactions) {
            const i = index.get(h);
            if (i === undefined) continue;
            ours++;
            if (seenIn[i]++ === 0) included++;
            blockOf[i] = Number(b.number);
          }
          blocks.push({ number: Number(b.number), txs: b.transactions.length, ours, gasUsed: BigInt(b.gasUsed), gasLimit: BigInt(b.gasLimit), seenAt });
          if (ours) lastSeenAt = seenAt;
        }
        scanned = headNum;
      } else await sleep(opt.poll);
    }
    return true;
  })();

  const rejections = new Map();
  const batches = [];
  for (let i = 0; i < txs.length; i += opt.batch) batches.push([i, Math.min(i + opt.batch, txs.length)]);
  let nextBatch = 0;
  await Promise.all(Array.from({ length: Math.min(opt.inflight, batches.length) }, async () => {
    while (nextBatch < batches.length) {
      const [from, to] = batches[nextBatch++];
      let answers;
      try {
        answers = await rpcBatch(txs.slice(from, to).map((t) => ['eth_sendRawTransaction', [t.raw]]));
      } catch (e) {
        answers = Array(to - from).fill({ error: { message: e.message } });
      }
      answers.forEach((a, k) => {
        const want = txs[from + k].hash;
        if (a.result && a.result.toLowerCase() === want) accepted++;
        else {
          const why = a.error ? a.error.message : `returned ${a.result}, expected ${want}`;
          rejections.set(why, (rejections.get(why) || 0) + 1);
        }
      });
    }
  }));
  const tSubmitted = performance.now();
  submitting = false;
  const drained = await watcher;
  const submitSeconds = (tSubmitted - t0) / 1000;
  const e2eSeconds = ((lastSeenAt || performance.now()) - t0) / 1000;

  // --- checks ---
  const problems = [];
  if (rejections.size) problems.push(`${opt.txs - accepted} refused: ${[...rejections].map(([m, n]) => `${n}x "${m}"`).join('; ')}`);
  if (!drained) problems.push(`${accepted - included} accepted transactions not mined within ${opt.timeout} s`);
  const twice = seenIn.filter((c) => c > 1).length;
  if (twice) problems.push(`${twice} transactions listed in more than one block`);

  const receipts = await rpcChunked(txs.map((t) => ['eth_getTransactionReceipt', [t.hash]]));
  let gasUsed = 0n;
  let failedTx = 0;
  let noReceipt = 0;
  let misplaced = 0;
  let wrongLogs = 0;
  const logsPerTx = { transfer: 0, erc20: 1, amm: 4 }[opt.workload];
  receipts.forEach((a, i) => {
    const r = a.result;
    if (!r) {
      noReceipt++;
      return;
    }
    gasUsed += BigInt(r.gasUsed);
    if (r.status !== '0x1') failedTx++;
    if (Number(r.blockNumber) !== blockOf[i]) misplaced++;
    if (r.logs.length !== logsPerTx) wrongLogs++;
  });
  if (noReceipt) problems.push(`${noReceipt} transactions without a receipt`);
  if (failedTx) problems.push(`${failedTx} transactions failed (status 0)`);
  if (misplaced) problems.push(`${misplaced} receipts name another block than the one listing the transaction`);
  if (wrongLogs) problems.push(`${wrongLogs} receipts without the expected ${logsPerTx} logs`);

  const counts = new Array(opt.senders).fill(0);
  for (const p of plan) counts[p.s]++;
  const finalNonces = await rpcBatch(senders.map((w) => ['eth_getTransactionCount', [w.address, 'latest']]));
  const offNonce = finalNonces.filter((a, s) => Number(a.result) !== base[s] + counts[s]).length;
  if (offNonce) problems.push(`${offNonce} senders whose nonce did not advance by exactly their transactions`);

  // The effect itself: every recipient holds what it was sent.
  if (opt.workload !== 'amm') {
    const calls = txs.map((_, i) => (opt.workload === 'transfer'
      ? ['eth_getBalance', [recipient(i), 'latest']]
      : ['eth_call', [{ to: token, data: tokenIface.encodeFunctionData('balanceOf', [recipient(i)]) }, 'latest']]));
    const want = opt.workload === 'transfer' ? 1_000_000_000n : TOKEN_AMOUNT;
    const wrong = (await rpcChunked(calls)).filter((a) => !a.result || BigInt(a.result) !== want).length;
    if (wrong) problems.push(`${wrong} recipients without the amount sent to them`);
  } else {
    // Each pair's reserves must equal the tokens it holds.
    for (const p of pairs) {
      const [r0, r1, b0, b1] = (await rpcBatch([
        ['eth_call', [{ to: p, data: pairIface.encodeFunctionData('reserve0') }, 'latest']],
        ['eth_call', [{ to: p, data: pairIface.encodeFunctionData('reserve1') }, 'latest']],
        ['eth_call', [{ to: token, data: tokenIface.encodeFunctionData('balanceOf', [p]) }, 'latest']],
        ['eth_call', [{ to: tokenB, data: tokenIface.encodeFunctionData('balanceOf', [p]) }, 'latest']],
      ])).map((a) => BigInt(a.result ?? -1));
      if (r0 !== b0 || r1 !== b1) problems.push(`pair ${p}: reserves ${r0}/${r1} but holds ${b0}/${b1}`);
    }
  }

  const used = blocks.filter((b) => b.ours > 0);
  const result = {
    workload: opt.workload,
    txs: opt.txs,
    senders: opt.senders,
    batch: opt.batch,
    accepted,
    mined: included,
    submit_s: round(submitSeconds, 3),
    submit_tps: round(accepted / submitSeconds, 0),
    e2e_s: round(e2eSeconds, 3),
    e2e_tps: round(included / e2eSeconds, 0),
    gas_used: Number(gasUsed),
    gas_per_tx: round(Number(gasUsed) / Math.max(1, opt.txs - noReceipt), 0),
    blocks: used.length,
    max_txs_per_block: used.reduce((m, b) => Math.max(m, b.ours), 0),
    block_gas_limit: Number(blockGasLimit),
    mgas_per_s: round(Number(gasUsed) / e2eSeconds / 1e6, 1),
    sign_s: round(signSeconds, 2),
    aligned_to_block: aligned,
    ok: problems.length === 0,
  };

  const row = (k, v) => console.log(`${k.padEnd(22)}${v}`);
  row('workload', `${opt.workload} (${opt.txs} txs, ${opt.senders} senders, batches of ${opt.batch}, ${opt.inflight} in flight)`);
  row('node', `${opt.url} (chain ${chainId}, block gas limit ${blockGasLimit})`);
  row('submitted', `${accepted} accepted, ${opt.txs - accepted} refused in ${submitSeconds.toFixed(3)} s = ${result.submit_tps} tx/s`);
  row('mined', `${included} in ${used.length} blocks (${used.length ? `${used[0].number}..${used[used.length - 1].number}` : '-'}, at most ${result.max_txs_per_block} of ours per block)`);
  row('end to end', `${e2eSeconds.toFixed(3)} s = ${result.e2e_tps} tx/s`);
  row('gas used', `${gasUsed} (${result.gas_per_tx} per tx) = ${result.mgas_per_s} Mgas/s end to end`);
  row('checks', problems.length ? `FAILED:\n  ${problems.join('\n  ')}` : 'all mined exactly once, all succeeded, nonces and balances as expected');
  if (opt.json) console.log(JSON.stringify(result));
  process.exit(problems.length ? 1 : 0);
}

function round(x, digits) {
  const f = 10 ** digits;
  return Number.isFinite(x) ? Math.round(x * f) / f : null;
}

main().catch((e) => fail(e.message));
