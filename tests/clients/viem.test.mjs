// viem against a JSON-RPC node: a public client for reads and wallet clients with local (mnemonic)
// accounts for writes, as a viem dapp or script uses them. Uses dev accounts 4-7 only (ethers takes
// 0-3, cast 8-9).
//
//   node viem.test.mjs [URL]      (default: $BRAID_RPC_URL, else http://127.0.0.1:8545)
//
// One line per failed assertion, then "N passed, N failed"; exit status 1 on any failure.
import {
  BaseError, ContractFunctionRevertedError, createPublicClient, createWalletClient, decodeEventLog, defineChain,
  encodeAbiParameters, getAddress, http, keccak256, maxUint256, nonceManager, parseAbiItem, parseEther,
  serializeTransaction, toHex, zeroAddress,
} from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { compileContracts } from './lib/contracts.mjs';
import {
  DEV_MNEMONIC, RECEIPT_TIMEOUT_MS, Suite, errorText, freshAddresses, mapLimit, rpcUrl, requireNode,
} from './lib/harness.mjs';

const BULK_TXS = Number(process.env.BRAID_BULK_TXS || 1000);
const url = rpcUrl();
const s = new Suite('viem');
const rawChainId = await requireNode(s, url);

// The chain is whatever the node says it is; no caching of block numbers between calls.
const chain = defineChain({
  id: Number(rawChainId), name: 'node under test', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
  rpcUrls: { default: { http: [url] } },
});
const clientOpts = { chain, pollingInterval: 200, cacheTime: 0 };
const pub = createPublicClient({ ...clientOpts, transport: http(url, { timeout: 30_000 }) });
// The bulk sends go through a batching transport: JSON-RPC batch arrays of up to 100 calls.
const batched = http(url, { timeout: 30_000, batch: { batchSize: 100 } });
const accounts = [4, 5, 6, 7].map((i) => mnemonicToAccount(DEV_MNEMONIC, { addressIndex: i, nonceManager }));
const wallets = accounts.map((account) => createWalletClient({ ...clientOpts, account, transport: http(url, { timeout: 30_000 }) }));
const [deployer, other] = accounts;
const [wDeployer, wOther] = wallets;
const receipt = (hash) => pub.waitForTransactionReceipt({ hash, timeout: RECEIPT_TIMEOUT_MS, pollingInterval: 200 });
const { Token, Pair } = compileContracts();
const revertReason = (e) => {
  const r = e instanceof BaseError ? e.walk((x) => x instanceof ContractFunctionRevertedError) : null;
  return r?.reason;
};

// --- chain basics -------------------------------------------------------------------------------
await s.expect('getChainId equals eth_chainId', () => pub.getChainId(), Number(rawChainId));
s.eq('dev account 4 derives from the dev mnemonic', deployer.address, '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65');
const bn0 = await s.step('getBlockNumber', () => pub.getBlockNumber());
s.check('eth_blockNumber is a bigint', typeof bn0 === 'bigint' && bn0 >= 0n, `got ${bn0}`);
for (const a of accounts) {
  const bal = await s.step(`getBalance ${a.address}`, () => pub.getBalance({ address: a.address }));
  s.check(`dev account ${a.address} is funded`, bal > 0n, `balance ${bal}`);
}
const gasPrice = await s.step('getGasPrice', () => pub.getGasPrice());
s.check('eth_gasPrice is positive', gasPrice > 0n, `got ${gasPrice}`);
const prio = await s.step('estimateMaxPriorityFeePerGas', () => pub.estimateMaxPriorityFeePerGas());
s.check('eth_maxPriorityFeePerGas is non-negative', prio >= 0n, `got ${prio}`);
const fees = await s.step('estimateFeesPerGas', () => pub.estimateFeesPerGas());
s.check('estimateFeesPerGas gives maxFeePerGas >= maxPriorityFeePerGas', fees?.maxFeePerGas >= fees?.maxPriorityFeePerGas && fees?.maxFeePerGas > 0n, `got ${fees?.maxFeePerGas} / ${fees?.maxPriorityFeePerGas}`);

// --- the ERC-20 ---------------------------------------------------------------------------------
const SUPPLY = parseEther('1000000');
const deployHash = await s.step('deployContract Token', () => wDeployer.deployContract({ abi: Token.abi, bytecode: Token.bytecode, args: ['Braid Viem', 'BTV', SUPPLY] }));
const deployRc = deployHash && (await s.step('deploy receipt', () => receipt(deployHash)));
if (!deployRc) s.finish();
s.eq('deploy receipt status', deployRc.status, 'success');
const token = deployRc.contractAddress;
s.check('deploy receipt has a contractAddress', /^0x[0-9a-fA-F]{40}$/.test(token ?? ''), `got ${token}`);
await s.expect('eth_getCode returns the runtime code solc produced', () => pub.getCode({ address: token }), Token.deployedBytecode);
const read = (functionName, args = [], extra = {}) => pub.readContract({ address: token, abi: Token.abi, functionName, args, ...extra });
await s.expect('readContract name', () => read('name'), 'Braid Viem');
await s.expect('readContract decimals', () => read('decimals'), 18);
await s.expect('readContract totalSupply', () => read('totalSupply'), SUPPLY);
await s.expect('readContract balanceOf(deployer)', () => read('balanceOf', [deployer.address]), SUPPLY);
await s.expect('getStorageAt slot 2 is totalSupply', () => pub.getStorageAt({ address: token, slot: toHex(2) }), toHex(SUPPLY, { size: 32 }));
const balSlot = (a) => keccak256(encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], [a, 3n]));
await s.expect('getStorageAt balanceOf[deployer] mapping slot', () => pub.getStorageAt({ address: token, slot: balSlot(deployer.address) }), toHex(SUPPLY, { size: 32 }));

const [alice, bob] = freshAddresses(2).map((a) => getAddress(a));
const beforeTransfer = await pub.getBlockNumber();
const est = await s.step('estimateContractGas transfer', () => pub.estimateContractGas({ address: token, abi: Token.abi, functionName: 'transfer', args: [alice, 1000n], account: deployer }));
s.check('estimated transfer gas is plausible', est > 21000n && est < 200000n, `got ${est}`);
await s.expect('estimateGas of a plain ETH transfer is 21000', () => pub.estimateGas({ account: deployer.address, to: alice, value: 1n }), 21000n);
const sim = await s.step('simulateContract transfer', () => pub.simulateContract({ address: token, abi: Token.abi, functionName: 'transfer', args: [alice, 1000n], account: deployer }));
s.eq('simulateContract result', sim?.result, true);
const txHash = sim && (await s.step('writeContract transfer', () => wDeployer.writeContract(sim.request)));
const rc = txHash && (await s.step('transfer receipt', () => receipt(txHash)));
if (!rc) s.finish();
s.eq('transfer receipt status', rc.status, 'success');
s.eq('transfer receipt transactionHash', rc.transactionHash, txHash);
s.eq('transfer receipt from', getAddress(rc.from), deployer.address);
s.eq('transfer receipt to', getAddress(rc.to), getAddress(token));
s.eq('transfer receipt type', rc.type, 'eip1559');
s.check('transfer gasUsed within the estimate', rc.gasUsed > 21000n && rc.gasUsed <= est, `gasUsed ${rc.gasUsed}, estimate ${est}`);
s.check('transfer effectiveGasPrice is set', rc.effectiveGasPrice > 0n, `got ${rc.effectiveGasPrice}`);
s.eq('transfer receipt has one log', rc.logs.length, 1);
const ev = rc.logs[0] && decodeEventLog({ abi: Token.abi, data: rc.logs[0].data, topics: rc.logs[0].topics });
s.check('Transfer log decodes (deployer -> alice, 1000)', ev?.eventName === 'Transfer' && ev.args.from === deployer.address && ev.args.to === alice && ev.args.value === 1000n, () => JSON.stringify(ev, (_, v) => (typeof v === 'bigint' ? `${v}` : v)));

const tx = await s.step('getTransaction', () => pub.getTransaction({ hash: txHash }));
s.eq('transaction hash', tx?.hash, txHash);
s.eq('transaction from', tx && getAddress(tx.from), deployer.address);
s.eq('transaction blockNumber', tx?.blockNumber, rc.blockNumber);
s.eq('transaction transactionIndex', tx?.transactionIndex, rc.transactionIndex);
s.eq('transaction type', tx?.type, 'eip1559');
s.eq('transaction chainId', tx?.chainId, chain.id);
s.eq('transaction fields re-serialize to its hash', tx && keccak256(serializeTransaction({
  type: 'eip1559', chainId: tx.chainId, nonce: tx.nonce, to: tx.to, data: tx.input, value: tx.value, gas: tx.gas,
  maxFeePerGas: tx.maxFeePerGas, maxPriorityFeePerGas: tx.maxPriorityFeePerGas, accessList: tx.accessList,
}, { r: tx.r, s: tx.s, yParity: tx.yParity })), txHash);
s.eq('getTransactionReceipt matches the awaited receipt', (await pub.getTransactionReceipt({ hash: txHash })).blockHash, rc.blockHash);

await s.expect('balanceOf(alice) after the transfer', () => read('balanceOf', [alice]), 1000n);
await s.expect('readContract at the block before the transfer', () => read('balanceOf', [alice], { blockNumber: beforeTransfer }), 0n);
await s.expect('readContract at the transfer block', () => read('balanceOf', [alice], { blockNumber: rc.blockNumber }), 1000n);
await s.expect('readContract at blockTag latest', () => read('balanceOf', [alice], { blockTag: 'latest' }), 1000n);
await s.expect('getBalance at block 0', () => pub.getBalance({ address: deployer.address, blockNumber: 0n }), parseEther('10000'));

// --- logs ---------------------------------------------------------------------------------------
const h2 = await s.step('second transfer', () => wDeployer.writeContract({ address: token, abi: Token.abi, functionName: 'transfer', args: [bob, 7n] }));
if (h2) await s.step('second transfer receipt', () => receipt(h2));
const evs = await s.step('getContractEvents Transfer(from=deployer)', () => pub.getContractEvents({ address: token, abi: Token.abi, eventName: 'Transfer', args: { from: deployer.address }, fromBlock: deployRc.blockNumber, toBlock: 'latest' }));
s.eq('Transfer events from the deployer', evs?.map((e) => [e.args.to, e.args.value]), [[alice, 1000n], [bob, 7n]]);
const transferEvent = parseAbiItem('event Transfer(address indexed from, address indexed to, uint256 value)');
const logs = await s.step('getLogs with an event and indexed args', () => pub.getLogs({ address: token, event: transferEvent, args: { to: alice }, fromBlock: deployRc.blockNumber }));
s.eq('getLogs Transfer(to=alice) finds the transfer', logs?.map((l) => [l.transactionHash, l.args.value]), [[txHash, 1000n]]);
const allLogs = await s.step('getLogs for the whole token', () => pub.getLogs({ address: token, fromBlock: deployRc.blockNumber, toBlock: 'latest' }));
s.eq('getLogs finds mint and both transfers', allLogs?.length, 3);
s.check('getLogs results carry block and index fields', allLogs?.every((l) => typeof l.blockNumber === 'bigint' && typeof l.logIndex === 'number' && typeof l.transactionIndex === 'number' && l.removed === false), () => JSON.stringify(allLogs?.[0], (_, v) => (typeof v === 'bigint' ? `${v}` : v)));
const byHash = await s.step('getLogs by blockHash', () => pub.getLogs({ address: token, blockHash: rc.blockHash }));
s.eq('getLogs by blockHash finds one log', byHash?.length, 1);
const mint = await s.step('getContractEvents for the mint', () => pub.getContractEvents({ address: token, abi: Token.abi, eventName: 'Transfer', args: { from: zeroAddress }, fromBlock: 0n }));
s.eq('the mint is one Transfer from the zero address', mint?.map((e) => e.args.value), [SUPPLY]);

// --- reverts ---------------------------------------------------------------------------------------
await s.throws('simulateContract of a reverting transfer throws', () => pub.simulateContract({ address: token, abi: Token.abi, functionName: 'transfer', args: [bob, 1n], account: other }), (e) => s.eq('simulate revert reason', revertReason(e), 'insufficient balance'));
await s.throws('estimateContractGas of a reverting transfer throws', () => pub.estimateContractGas({ address: token, abi: Token.abi, functionName: 'transfer', args: [bob, 1n], account: other }), (e) => s.eq('estimateGas revert reason', revertReason(e), 'insufficient balance'));
await s.throws('writeContract of a reverting transfer throws before sending', () => wOther.writeContract({ address: token, abi: Token.abi, functionName: 'transfer', args: [bob, 1n] }), (e) => s.eq('write revert reason', revertReason(e), 'insufficient balance'));
const otherNonce = await pub.getTransactionCount({ address: other.address });
// nonceManager consumed a nonce for the refused write above: reset it from the node.
nonceManager.reset({ address: other.address, chainId: chain.id });
const revHash = await s.step('send a reverting transfer with a fixed gas', () => wOther.writeContract({ address: token, abi: Token.abi, functionName: 'transfer', args: [bob, 1n], gas: 100000n }));
const revRc = revHash && (await s.step('reverting transfer receipt', () => receipt(revHash)));
s.eq('mined revert has status reverted', revRc?.status, 'reverted');
await s.expect('a mined revert still uses its nonce', () => pub.getTransactionCount({ address: other.address }), otherNonce + 1);
await s.throws('eth_call replay of the reverted transfer at its block', () => pub.call({ account: other.address, to: token, data: tx.input.slice(0, 10) + encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], [bob, 1n]).slice(2), blockNumber: revRc?.blockNumber }), (e) => s.check('call revert mentions the reason', /insufficient balance/.test(e.shortMessage + e.details + e.message), errorText(e)));

// --- the AMM ----------------------------------------------------------------------------------------
await s.step('AMM deposit and swap', async () => {
  const bRc = await receipt(await wDeployer.deployContract({ abi: Token.abi, bytecode: Token.bytecode, args: ['Braid Viem B', 'BTVB', SUPPLY] }));
  const tokenB = bRc.contractAddress;
  const pRc = await receipt(await wDeployer.deployContract({ abi: Pair.abi, bytecode: Pair.bytecode, args: [token, tokenB] }));
  const pair = pRc.contractAddress;
  await s.expect('Pair token0', () => pub.readContract({ address: pair, abi: Pair.abi, functionName: 'token0' }), getAddress(token));
  for (const t of [token, tokenB]) await receipt(await wDeployer.writeContract({ address: t, abi: Token.abi, functionName: 'approve', args: [pair, maxUint256] }));
  await s.expect('allowance after approve', () => read('allowance', [deployer.address, pair]), maxUint256);
  await receipt(await wDeployer.writeContract({ address: pair, abi: Pair.abi, functionName: 'deposit', args: [parseEther('500'), parseEther('500')] }));
  const amountIn = parseEther('2');
  const { result: quoted, request } = await pub.simulateContract({ address: pair, abi: Pair.abi, functionName: 'swap', args: [amountIn, 0n, false, alice], account: deployer });
  const swapRc = await receipt(await wDeployer.writeContract(request));
  s.eq('swap receipt status', swapRc.status, 'success');
  const swaps = await pub.getContractEvents({ address: pair, abi: Pair.abi, eventName: 'Swap', fromBlock: swapRc.blockNumber, toBlock: swapRc.blockNumber });
  s.eq('Swap event output equals the simulated result', swaps.map((e) => [e.args.amountOut, e.args.to, e.args.zeroForOne]), [[quoted, alice, false]]);
  await s.expect('alice received token0 from the swap', () => read('balanceOf', [alice]), 1000n + quoted);
  await s.throws('swap of zero reverts', () => pub.simulateContract({ address: pair, abi: Pair.abi, functionName: 'swap', args: [0n, 0n, true, alice], account: deployer }), (e) => s.eq('zero-input revert reason', revertReason(e), 'zero input'));
});

// --- blocks and fees --------------------------------------------------------------------------------
const head = await pub.getBlockNumber();
const latest = await s.step('getBlock latest', () => pub.getBlock({ blockTag: 'latest' }));
s.check('latest block is at the head', latest?.number >= head, `block ${latest?.number}, head ${head}`);
s.check('latest block lists transaction hashes', latest?.transactions.every((h) => typeof h === 'string' && h.length === 66), 'not hashes');
const latestFull = await s.step('getBlock latest with full transactions', () => pub.getBlock({ blockTag: 'latest', includeTransactions: true }));
s.check('latest block with full transactions carries transaction objects', latestFull?.transactions.every((t) => typeof t === 'object' && t.blockNumber === latestFull.number && t.blockHash === latestFull.hash), 'missing or misplaced transactions');
const full = await s.step('getBlock with full transactions', () => pub.getBlock({ blockNumber: rc.blockNumber, includeTransactions: true }));
s.check('full block holds the transfer as an object', full?.transactions.some((t) => t.hash === txHash && getAddress(t.from) === deployer.address), 'not found');
s.eq('getBlock by hash', (await pub.getBlock({ blockHash: rc.blockHash })).number, rc.blockNumber);
await s.expect('getBlockTransactionCount', () => pub.getBlockTransactionCount({ blockNumber: rc.blockNumber }), full?.transactions.length);
const fh = await s.step('getFeeHistory', () => pub.getFeeHistory({ blockCount: 4, rewardPercentiles: [25, 75] }));
s.check('fee history: baseFeePerGas has one entry more than gasUsedRatio', fh && fh.baseFeePerGas.length === fh.gasUsedRatio.length + 1 && fh.gasUsedRatio.length >= 1, () => JSON.stringify(fh, (_, v) => (typeof v === 'bigint' ? `${v}` : v)));
s.check('fee history: two reward percentiles per block', !!fh?.reward && fh.reward.length === fh.gasUsedRatio.length && fh.reward.every((r) => r.length === 2), 'bad reward shape');
s.check('fee history: gasUsedRatio within [0, 1]', !!fh && fh.gasUsedRatio.every((x) => x >= 0 && x <= 1), () => `${fh?.gasUsedRatio}`);
await s.expect('getTransactionCount pending equals latest when nothing waits', () => pub.getTransactionCount({ address: deployer.address, blockTag: 'pending' }), await pub.getTransactionCount({ address: deployer.address, blockTag: 'latest' }));

// --- 1,000 transactions from four accounts at once, nonces kept by viem's nonceManager -------------
const recipients = freshAddresses(20).map((a) => getAddress(a));
const startBlock = await pub.getBlockNumber();
const before = await Promise.all(accounts.map(async (a) => ({ nonce: await pub.getTransactionCount({ address: a.address }), balance: await pub.getBalance({ address: a.address }) })));
for (const a of accounts) nonceManager.reset({ address: a.address, chainId: chain.id });
const bulkWallets = accounts.map((account) => createWalletClient({ ...clientOpts, account, transport: batched }));
const plan = Array.from({ length: BULK_TXS }, (_, i) => ({ sender: i % accounts.length, to: recipients[i % recipients.length], value: 2_000_000_000n + BigInt(i) }));
const sent = await mapLimit(plan, 64, (p) => bulkWallets[p.sender].sendTransaction({ to: p.to, value: p.value }).catch((e) => ({ error: errorText(e) })));
const sendErrors = sent.filter((h) => typeof h !== 'string');
s.check(`all ${BULK_TXS} concurrent sends accepted`, sendErrors.length === 0, () => `${sendErrors.length} failed, first: ${sendErrors[0]?.error}`);
const hashes = sent.filter((h) => typeof h === 'string');
s.eq('every send got a distinct hash', new Set(hashes).size, hashes.length);
const bulkPub = createPublicClient({ ...clientOpts, transport: batched });
// One entry per planned transaction: its receipt, or { error } when it was not sent or never mined.
const receipts = await mapLimit(sent, 64, (hash) => (typeof hash !== 'string' ? hash : bulkPub.waitForTransactionReceipt({ hash, timeout: RECEIPT_TIMEOUT_MS, pollingInterval: 200 }).catch((e) => ({ error: errorText(e) }))));
const missing = receipts.filter((r, i) => typeof sent[i] === 'string' && r.error);
s.check('every sent bulk transaction got a receipt', missing.length === 0, () => `${missing.length} missing, first: ${missing[0]?.error}`);
const good = receipts.filter((r) => !r.error);
s.check('every bulk receipt has status success', good.every((r) => r.status === 'success'), () => `${good.filter((r) => r.status !== 'success').length} reverted`);
s.check('every bulk receipt is for its own hash', receipts.every((r, i) => r.error || r.transactionHash === sent[i]), 'mismatch');

const endBlock = good.reduce((m, r) => (r.blockNumber > m ? r.blockNumber : m), startBlock);
const seen = new Map();
const numbers = [];
for (let b = startBlock + 1n; b <= endBlock; b++) numbers.push(b);
const blocks = await mapLimit(numbers, 16, (blockNumber) => bulkPub.getBlock({ blockNumber }));
for (const blk of blocks) blk.transactions.forEach((h, i) => seen.set(h, [...(seen.get(h) || []), [blk.number, i]]));
const notOnce = hashes.filter((h) => (seen.get(h) || []).length !== 1);
s.check('each bulk transaction is in exactly one block', notOnce.length === 0, () => `${notOnce.length} not exactly once`);
s.check('each bulk receipt points at its place in its block', good.every((r) => { const at = seen.get(r.transactionHash)?.[0]; return at && at[0] === r.blockNumber && at[1] === r.transactionIndex; }), 'mismatch');
const sumGas = blocks.reduce((acc, b) => acc + b.gasUsed, 0n);
const ourGas = good.reduce((acc, r) => acc + r.gasUsed, 0n);
s.check('blocks\' gasUsed covers the bulk receipts\' gas', sumGas >= ourGas, `blocks ${sumGas} < receipts ${ourGas}`);

for (const [k, a] of accounts.entries()) {
  const mine = plan.map((p, i) => [p, receipts[i]]).filter(([p]) => p.sender === k);
  const latestNonce = await pub.getTransactionCount({ address: a.address, blockTag: 'latest' });
  s.eq(`account ${4 + k} latest nonce advanced by its sends`, latestNonce, before[k].nonce + mine.length);
  await s.expect(`account ${4 + k} pending nonce equals latest`, () => pub.getTransactionCount({ address: a.address, blockTag: 'pending' }), latestNonce);
  const spent = mine.reduce((acc, [p, r]) => acc + p.value + (r.error ? 0n : r.gasUsed * r.effectiveGasPrice), 0n);
  await s.expect(`account ${4 + k} balance fell by values plus gas`, () => pub.getBalance({ address: a.address }), before[k].balance - spent);
}
const expected = new Map();
for (const p of plan) expected.set(p.to, (expected.get(p.to) || 0n) + p.value);
const balances = await Promise.all(recipients.map((address) => pub.getBalance({ address })));
s.check('every recipient received the sum of its transfers', recipients.every((r, i) => balances[i] === expected.get(r)), () => `first mismatch: ${recipients.find((r, i) => balances[i] !== expected.get(r))}`);

s.finish();
