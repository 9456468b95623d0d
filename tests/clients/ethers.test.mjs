// ethers v6 against a JSON-RPC node: what a dapp or script written with ethers does, checked step by
// step. Uses dev accounts 0-3 only (viem.test.mjs takes 4-7, cast.sh 8-9), so the suites never race
// each other for a nonce.
//
//   node ethers.test.mjs [URL]      (default: $BRAID_RPC_URL, else http://127.0.0.1:8545)
//
// One line per failed assertion, then "N passed, N failed"; exit status 1 on any failure.
import { ethers } from 'ethers';
import { compileContracts } from './lib/contracts.mjs';
import {
  DEV_MNEMONIC, RECEIPT_TIMEOUT_MS, Suite, devPath, errorText, freshAddresses, mapLimit, rpcUrl, requireNode,
} from './lib/harness.mjs';

const BULK_TXS = Number(process.env.BRAID_BULK_TXS || 1000);
const url = rpcUrl();
const s = new Suite('ethers');
const rawChainId = await requireNode(s, url);

// Poll often: under interval mining ethers' default of 4 s per poll would dominate the run. And no
// response cache: by default ethers answers a repeated identical call within 250 ms from memory, which
// would hide the nonce and balance changes this suite checks.
const provider = new ethers.JsonRpcProvider(url, undefined, { pollingInterval: 200, cacheTimeout: -1 });
const wallets = [0, 1, 2, 3].map((i) => ethers.HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, devPath(i)).connect(provider));
const [deployer, other] = wallets;
const wait = (tx) => tx.wait(1, RECEIPT_TIMEOUT_MS);
const { Token, Pair } = compileContracts();

// --- chain basics -------------------------------------------------------------------------------
const net = await s.step('getNetwork', () => provider.getNetwork());
s.eq('getNetwork().chainId equals eth_chainId', net?.chainId, BigInt(rawChainId));
s.eq('dev account 0 derives from the dev mnemonic', deployer.address, '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');

const bn0 = await s.step('eth_blockNumber', () => provider.getBlockNumber());
s.check('eth_blockNumber is a non-negative integer', Number.isInteger(bn0) && bn0 >= 0, `got ${bn0}`);

for (const w of wallets) {
  const bal = await s.step(`eth_getBalance ${w.address}`, () => provider.getBalance(w.address));
  s.check(`dev account ${w.address} is funded`, bal > 0n, `balance ${bal}`);
}

const gasPrice = await s.step('eth_gasPrice', () => provider.send('eth_gasPrice', []));
s.check('eth_gasPrice is a positive quantity', /^0x[1-9a-f][0-9a-f]*$/.test(gasPrice ?? ''), `got ${gasPrice}`);
const tip = await s.step('eth_maxPriorityFeePerGas', () => provider.send('eth_maxPriorityFeePerGas', []));
s.check('eth_maxPriorityFeePerGas is a quantity', /^0x(0|[1-9a-f][0-9a-f]*)$/.test(tip ?? ''), `got ${tip}`);
const fee = await s.step('getFeeData', () => provider.getFeeData());
s.check('getFeeData gives EIP-1559 fees', fee?.maxFeePerGas > 0n && fee?.maxPriorityFeePerGas >= 0n, () => `got ${JSON.stringify(fee, (_, v) => (typeof v === 'bigint' ? `${v}` : v))}`);

// --- the ERC-20: deploy, read, storage ------------------------------------------------------------
const SUPPLY = ethers.parseEther('1000000');
const token = await s.step('deploy Token', async () => {
  const c = await new ethers.ContractFactory(Token.abi, Token.bytecode, deployer).deploy('Braid Test', 'BTT', SUPPLY);
  await c.waitForDeployment();
  return c;
});
if (!token) s.finish();
const tokenAddr = await token.getAddress();
const deployRc = await s.step('deploy receipt', () => wait(token.deploymentTransaction()));
s.eq('deploy receipt status is 1', deployRc?.status, 1);
s.eq('deploy receipt contractAddress is the address ethers predicted', deployRc?.contractAddress, tokenAddr);
s.eq('deploy receipt has the mint Transfer log', deployRc?.logs.length, 1);
const mint = deployRc && token.interface.parseLog(deployRc.logs[0]);
s.check('mint Transfer is from the zero address to the deployer', mint?.name === 'Transfer' && mint.args.from === ethers.ZeroAddress && mint.args.to === deployer.address && mint.args.value === SUPPLY, () => `got ${mint?.name} ${mint?.args}`);

await s.expect('eth_getCode returns the runtime code solc produced', () => provider.getCode(tokenAddr), Token.deployedBytecode);
await s.expect('eth_getCode of an account without code is 0x', () => provider.getCode(freshAddresses(1)[0]), '0x');
await s.expect('eth_call name()', () => token.name(), 'Braid Test');
await s.expect('eth_call symbol()', () => token.symbol(), 'BTT');
await s.expect('eth_call decimals()', () => token.decimals(), 18n);
await s.expect('eth_call totalSupply()', () => token.totalSupply(), SUPPLY);
await s.expect('eth_call balanceOf(deployer)', () => token.balanceOf(deployer.address), SUPPLY);

const word = (v) => ethers.toBeHex(v, 32);
await s.expect('eth_getStorageAt slot 2 is totalSupply', () => provider.getStorage(tokenAddr, 2), word(SUPPLY));
const balSlot = (a) => ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(['address', 'uint256'], [a, 3]));
await s.expect('eth_getStorageAt balanceOf[deployer] mapping slot', () => provider.getStorage(tokenAddr, balSlot(deployer.address)), word(SUPPLY));
// A short string sits left-aligned in its slot with twice its length in the last byte.
const shortString = (str) => ethers.hexlify(ethers.concat([ethers.zeroPadBytes(ethers.toUtf8Bytes(str), 31), ethers.toBeHex(str.length * 2, 1)]));
await s.expect('eth_getStorageAt slot 0 is the short string name', () => provider.getStorage(tokenAddr, 0), shortString('Braid Test'));
await s.expect('eth_getStorageAt of an unused slot is zero', () => provider.getStorage(tokenAddr, 99), word(0));

// --- a transfer: estimate, send, receipt, transaction, balances at block tags ----------------------
const [alice, bob] = freshAddresses(2);
const beforeTransfer = await provider.getBlockNumber();
const est = await s.step('estimateGas transfer', () => token.transfer.estimateGas(alice, 1000n));
s.check('estimateGas of a token transfer is plausible', est > 21000n && est < 200000n, `got ${est}`);
await s.expect('estimateGas of a plain ETH transfer is 21000', () => provider.estimateGas({ from: deployer.address, to: alice, value: 1n }), 21000n);

const ttx = await s.step('send transfer', () => token.transfer(alice, 1000n));
const trc = ttx && (await s.step('wait for transfer receipt', () => wait(ttx)));
if (!trc) s.finish();
s.eq('transfer receipt status is 1', trc.status, 1);
s.eq('transfer receipt hash', trc.hash, ttx.hash);
s.eq('transfer receipt from', trc.from, deployer.address);
s.eq('transfer receipt to', trc.to, tokenAddr);
s.eq('transfer receipt contractAddress is null', trc.contractAddress, null);
s.check('transfer gasUsed is within the estimate', trc.gasUsed > 21000n && trc.gasUsed <= est, `gasUsed ${trc.gasUsed}, estimate ${est}`);
s.check('transfer cumulativeGasUsed covers gasUsed', trc.cumulativeGasUsed >= trc.gasUsed, `${trc.cumulativeGasUsed} < ${trc.gasUsed}`);
s.check('transfer effectiveGasPrice is set', trc.gasPrice > 0n, `got ${trc.gasPrice}`);
s.eq('transfer receipt type is 2', trc.type, 2);
s.check('transfer receipt logsBloom is 256 bytes', ethers.dataLength(trc.logsBloom) === 256, `got ${trc.logsBloom}`);
s.eq('transfer receipt has one log', trc.logs.length, 1);
const tlog = token.interface.parseLog(trc.logs[0]);
s.check('Transfer log decodes (deployer -> alice, 1000)', tlog?.name === 'Transfer' && tlog.args.from === deployer.address && tlog.args.to === ethers.getAddress(alice) && tlog.args.value === 1000n, () => `got ${tlog?.args}`);
s.check('log carries block and transaction coordinates', trc.logs[0].blockNumber === trc.blockNumber && trc.logs[0].transactionHash === trc.hash && trc.logs[0].blockHash === trc.blockHash && trc.logs[0].transactionIndex === trc.index, () => JSON.stringify(trc.logs[0].toJSON()));

const got = await s.step('eth_getTransactionByHash', () => provider.getTransaction(ttx.hash));
s.eq('transaction hash', got?.hash, ttx.hash);
s.eq('transaction from', got?.from, deployer.address);
s.eq('transaction to', got?.to, tokenAddr);
s.eq('transaction input', got?.data, ttx.data);
s.eq('transaction nonce', got?.nonce, ttx.nonce);
s.eq('transaction blockNumber', got?.blockNumber, trc.blockNumber);
s.eq('transaction blockHash', got?.blockHash, trc.blockHash);
s.eq('transaction index', got?.index, trc.index);
s.eq('transaction type', got?.type, 2);
s.eq('transaction chainId', got?.chainId, net?.chainId);
// The fields the node returns must be the signed transaction: re-encoding them gives its hash back.
s.eq('transaction fields re-encode to its hash', got && ethers.Transaction.from({
  type: got.type, chainId: got.chainId, nonce: got.nonce, to: got.to, data: got.data, value: got.value,
  gasLimit: got.gasLimit, maxFeePerGas: got.maxFeePerGas, maxPriorityFeePerGas: got.maxPriorityFeePerGas,
  accessList: got.accessList, signature: got.signature,
}).hash, ttx.hash);
await s.expect('eth_getTransactionByHash of an unknown hash is null', () => provider.getTransaction(ethers.id('no such tx')), null);
await s.expect('eth_getTransactionReceipt of an unknown hash is null', () => provider.getTransactionReceipt(ethers.id('no such tx')), null);

await s.expect('balanceOf(alice) after the transfer', () => token.balanceOf(alice), 1000n);
await s.expect('balanceOf(deployer) after the transfer', () => token.balanceOf(deployer.address), SUPPLY - 1000n);
await s.expect('eth_call at the block before the transfer', () => token.balanceOf(alice, { blockTag: beforeTransfer }), 0n);
await s.expect('eth_call at the transfer block', () => token.balanceOf(alice, { blockTag: trc.blockNumber }), 1000n);
await s.expect('eth_call at "latest"', () => token.balanceOf(alice, { blockTag: 'latest' }), 1000n);
await s.expect('eth_getStorageAt at the block before the transfer', () => provider.getStorage(tokenAddr, balSlot(alice), beforeTransfer), word(0));
await s.expect('eth_getBalance at an old block', () => provider.getBalance(deployer.address, 0), ethers.parseEther('10000'));

// --- logs ---------------------------------------------------------------------------------------
await s.step('send a second transfer', async () => wait(await token.transfer(bob, 7n)));
const fromDeployer = await s.step('queryFilter Transfer(from=deployer)', () => token.queryFilter(token.filters.Transfer(deployer.address), deployRc.blockNumber, 'latest'));
s.eq('Transfer events from the deployer', fromDeployer?.map((e) => [e.args.to, e.args.value]), [[ethers.getAddress(alice), 1000n], [ethers.getAddress(bob), 7n]]);
const toAlice = await s.step('queryFilter Transfer(to=alice)', () => token.queryFilter(token.filters.Transfer(null, alice), deployRc.blockNumber));
s.eq('Transfer events to alice', toAlice?.length, 1);
s.eq('Transfer event to alice is in the transfer transaction', toAlice?.[0]?.transactionHash, trc.hash);
const all = await s.step('eth_getLogs by address and topic', () => provider.getLogs({ address: tokenAddr, topics: [token.interface.getEvent('Transfer').topicHash], fromBlock: deployRc.blockNumber, toBlock: 'latest' }));
s.eq('eth_getLogs finds mint and both transfers', all?.length, 3);
s.check('eth_getLogs results are in chain order', all?.every((l, i) => i === 0 || l.blockNumber > all[i - 1].blockNumber || (l.blockNumber === all[i - 1].blockNumber && l.index > all[i - 1].index)), 'out of order');
const byHash = await s.step('eth_getLogs by blockHash', () => provider.getLogs({ blockHash: trc.blockHash, address: tokenAddr }));
s.eq('eth_getLogs by blockHash finds the transfer log', byHash?.map((l) => l.transactionHash), [trc.hash]);
const either = await s.step('eth_getLogs with an OR topic', () => provider.getLogs({ address: tokenAddr, fromBlock: trc.blockNumber, toBlock: trc.blockNumber, topics: [[token.interface.getEvent('Approval').topicHash, token.interface.getEvent('Transfer').topicHash]] }));
s.eq('eth_getLogs OR topic matches the Transfer', either?.length, 1);
const none = await s.step('eth_getLogs for a silent address', () => provider.getLogs({ address: alice, fromBlock: 0, toBlock: 'latest' }));
s.eq('eth_getLogs for an address without logs is empty', none, []);

// --- reverts ---------------------------------------------------------------------------------------
const tokenAsOther = token.connect(other); // account 1 holds no tokens
const checkReason = (what) => (e) => {
  s.eq(`${what}: error code`, e.code, 'CALL_EXCEPTION');
  s.eq(`${what}: revert reason`, e.reason, 'insufficient balance');
};
await s.throws('estimateGas of a reverting transfer throws', () => tokenAsOther.transfer.estimateGas(bob, 1n), checkReason('estimateGas revert'));
await s.throws('eth_call of a reverting transfer throws', () => tokenAsOther.transfer.staticCall(bob, 1n), checkReason('eth_call revert'));
await s.throws('sending a reverting transfer throws before it is sent', () => tokenAsOther.transfer(bob, 1n), checkReason('send revert'));
const otherNonce = await provider.getTransactionCount(other.address, 'latest');
const revTx = await s.step('send a reverting transfer with a fixed gas limit', () => tokenAsOther.transfer(bob, 1n, { gasLimit: 100000 }));
if (revTx)
  await s.throws('a mined reverting transaction fails wait()', () => wait(revTx), (e) => {
    s.eq('mined revert: error code', e.code, 'CALL_EXCEPTION');
    s.eq('mined revert: receipt status 0', e.receipt?.status, 0);
    s.check('mined revert: gas was charged', e.receipt?.gasUsed > 21000n && e.receipt?.gasUsed < 100000n, `gasUsed ${e.receipt?.gasUsed}`);
  });
await s.expect('a mined revert still uses its nonce', () => provider.getTransactionCount(other.address, 'latest'), otherNonce + 1);

// --- the AMM: two tokens, a pair, a swap with four logs ----------------------------------------------
await s.step('AMM deposit and swap', async () => {
  const tokenB = await new ethers.ContractFactory(Token.abi, Token.bytecode, deployer).deploy('Braid Other', 'BTO', SUPPLY);
  await tokenB.waitForDeployment();
  const pair = await new ethers.ContractFactory(Pair.abi, Pair.bytecode, deployer).deploy(tokenAddr, await tokenB.getAddress());
  await pair.waitForDeployment();
  const pairAddr = await pair.getAddress();
  s.eq('Pair code is deployed', (await provider.getCode(pairAddr)).length > 2, true);
  await wait(await token.approve(pairAddr, ethers.MaxUint256));
  await wait(await tokenB.approve(pairAddr, ethers.MaxUint256));
  const depRc = await wait(await pair.deposit(ethers.parseEther('1000'), ethers.parseEther('2000')));
  s.eq('deposit logs: Transfer, Transfer, Deposit, Sync', depRc.logs.map((l) => (l.address === pairAddr ? pair : token).interface.parseLog(l)?.name), ['Transfer', 'Transfer', 'Deposit', 'Sync']);
  const amountIn = ethers.parseEther('1');
  const quote = await pair.quote(amountIn, true);
  s.check('quote is below the spot price', quote > 0n && quote < 2n * amountIn, `quote ${quote}`);
  const swapRc = await wait(await pair.swap(amountIn, quote, true, deployer.address));
  s.eq('swap receipt status', swapRc.status, 1);
  s.eq('swap receipt has four logs', swapRc.logs.length, 4);
  s.check('swap log indexes run on within the block', swapRc.logs.every((l, i) => i === 0 || l.index === swapRc.logs[i - 1].index + 1), () => `${swapRc.logs.map((l) => l.index)}`);
  const swapLog = swapRc.logs.filter((l) => l.address === pairAddr).map((l) => pair.interface.parseLog(l)).find((l) => l.name === 'Swap');
  s.check('Swap event carries the quoted output', swapLog?.args.amountOut === quote && swapLog.args.amountIn === amountIn && swapLog.args.zeroForOne === true, () => `${swapLog?.args}`);
  s.eq('reserves after the swap', [await pair.reserve0(), await pair.reserve1()], [ethers.parseEther('1001'), ethers.parseEther('2000') - quote]);
  const swapEvents = await pair.queryFilter(pair.filters.Swap(deployer.address), swapRc.blockNumber, swapRc.blockNumber);
  s.eq('queryFilter Swap(trader=deployer)', swapEvents.length, 1);
  await s.throws('a swap below the minimum output reverts', () => pair.swap.staticCall(amountIn, ethers.parseEther('1000'), true, deployer.address), (e) => s.eq('slippage revert reason', e.reason, 'slippage'));
});

// --- blocks ---------------------------------------------------------------------------------------
const latest = await s.step('eth_getBlockByNumber latest', () => provider.getBlock('latest'));
const latestNum = await provider.getBlockNumber();
s.check('latest block number is the chain head', latest && latest.number <= latestNum && latest.number >= trc.blockNumber, `block ${latest?.number}, head ${latestNum}`);
s.check('latest block without full transactions lists hashes', latest?.transactions.every((h) => ethers.isHexString(h, 32)), 'not hashes');
const parent = latest && (await provider.getBlock(latest.number - 1));
s.eq('parentHash is the previous block hash', latest?.parentHash, parent?.hash);
s.check('timestamps do not go back', latest && parent && latest.timestamp >= parent.timestamp, `${parent?.timestamp} then ${latest?.timestamp}`);
s.check('block has a base fee', latest?.baseFeePerGas !== null && latest?.baseFeePerGas >= 0n, `baseFeePerGas ${latest?.baseFeePerGas}`);
const latestFull = await s.step('eth_getBlockByNumber latest with full transactions', () => provider.getBlock('latest', true));
s.check('latest block with full transactions carries transaction objects', latestFull && latestFull.prefetchedTransactions.length === latestFull.transactions.length && latestFull.prefetchedTransactions.every((t) => t.blockNumber === latestFull.number), 'missing or misplaced transactions');
const full = await s.step('eth_getBlockByNumber with full transactions', () => provider.getBlock(trc.blockNumber, true));
const fullTx = full?.prefetchedTransactions.find((t) => t.hash === trc.hash);
s.check('full block holds the transfer transaction object', fullTx && fullTx.from === deployer.address && fullTx.index === trc.index, 'not found');
s.eq('eth_getBlockByHash gives the same block', (await provider.getBlock(trc.blockHash))?.number, trc.blockNumber);
const rawLatest = await provider.send('eth_getBlockByNumber', ['latest', false]);
const headerFields = ['number', 'hash', 'parentHash', 'nonce', 'sha3Uncles', 'logsBloom', 'transactionsRoot', 'stateRoot', 'receiptsRoot', 'miner', 'difficulty', 'extraData', 'size', 'gasLimit', 'gasUsed', 'timestamp', 'transactions', 'uncles', 'mixHash', 'baseFeePerGas', 'withdrawalsRoot', 'withdrawals', 'blobGasUsed', 'excessBlobGas', 'parentBeaconBlockRoot'];
s.eq('raw block has every Cancun header field', headerFields.filter((f) => !(f in rawLatest)), []);
await s.expect('eth_getBlockByNumber of a future block is null', () => provider.getBlock(latestNum + 1000), null);

const feeHist = await s.step('eth_feeHistory', () => provider.send('eth_feeHistory', ['0x4', 'latest', [25, 75]]));
const n = feeHist?.gasUsedRatio?.length;
s.check('eth_feeHistory covers up to 4 blocks', n >= 1 && n <= 4, `got ${n}`);
s.eq('eth_feeHistory baseFeePerGas has one more entry than blocks', feeHist?.baseFeePerGas?.length, n + 1);
s.check('eth_feeHistory reward has two percentiles per block', !!feeHist?.reward && feeHist.reward.length === n && feeHist.reward.every((r) => r.length === 2), () => JSON.stringify(feeHist?.reward));
s.check('eth_feeHistory ends at the head', Number(feeHist?.oldestBlock) + n - 1 >= latestNum, `oldest ${feeHist?.oldestBlock}, ${n} blocks, head ${latestNum}`);

// --- 1,000 transactions from four accounts at once, nonces kept by ethers' NonceManager ------------
const recipients = freshAddresses(20);
const startBlock = await provider.getBlockNumber();
const before = await Promise.all(wallets.map(async (w) => ({ nonce: await provider.getTransactionCount(w.address, 'latest'), balance: await provider.getBalance(w.address) })));
const managers = wallets.map((w) => new ethers.NonceManager(w));
const plan = Array.from({ length: BULK_TXS }, (_, i) => ({ sender: i % wallets.length, to: recipients[i % recipients.length], value: 1_000_000_000n + BigInt(i) }));
const sent = await mapLimit(plan, 64, async (p) => {
  try {
    const tx = await managers[p.sender].sendTransaction({ to: p.to, value: p.value });
    return tx.hash;
  } catch (e) {
    return { error: errorText(e) };
  }
});
const sendErrors = sent.filter((h) => typeof h !== 'string');
s.check(`all ${BULK_TXS} concurrent sends accepted`, sendErrors.length === 0, () => `${sendErrors.length} failed, first: ${sendErrors[0]?.error}`);
const hashes = sent.filter((h) => typeof h === 'string');
s.eq('every send got a distinct hash', new Set(hashes).size, hashes.length);
const receipts = await mapLimit(hashes, 64, (h) => provider.waitForTransaction(h, 1, RECEIPT_TIMEOUT_MS).catch((e) => ({ error: errorText(e) })));
const missing = receipts.filter((r) => !r || r.error);
s.check('every bulk transaction got a receipt', missing.length === 0, () => `${missing.length} missing, first: ${missing[0]?.error ?? 'null receipt'}`);
const good = receipts.filter((r) => r && !r.error);
s.check('every bulk receipt has status 1', good.every((r) => r.status === 1), () => `${good.filter((r) => r.status !== 1).length} failed`);
s.check('every bulk receipt is for its own hash', good.every((r, i) => r.hash === hashes[i]), 'mismatch');

// Exactly once: every block after the start lists each of our hashes once in all, at the receipt's place.
const endBlock = Math.max(startBlock, ...good.map((r) => r.blockNumber));
const seen = new Map();
let cumulativeOk = true;
const blocks = await mapLimit(Array.from({ length: endBlock - startBlock }, (_, k) => startBlock + 1 + k), 16, (b) => provider.getBlock(b));
for (const blk of blocks) {
  blk.transactions.forEach((h, i) => seen.set(h, [...(seen.get(h) || []), [blk.number, i]]));
  if (blk.transactions.length) {
    const lastRc = await provider.getTransactionReceipt(blk.transactions[blk.transactions.length - 1]);
    if (lastRc.cumulativeGasUsed !== blk.gasUsed) cumulativeOk = false;
  }
}
const notOnce = hashes.filter((h) => (seen.get(h) || []).length !== 1);
s.check('each bulk transaction is in exactly one block', notOnce.length === 0, () => `${notOnce.length} not exactly once, e.g. ${notOnce[0]} in ${JSON.stringify(seen.get(notOnce[0]) || [])}`);
s.check('each bulk receipt points at its place in its block', good.every((r) => { const at = seen.get(r.hash)?.[0]; return at && at[0] === r.blockNumber && at[1] === r.index; }), 'receipt blockNumber/index differ from the block listing');
s.check('each block\'s last receipt has cumulativeGasUsed equal to the block gasUsed', cumulativeOk, 'mismatch');

for (const [k, w] of wallets.entries()) {
  const mine = plan.map((p, i) => [p, good[i]]).filter(([p]) => p.sender === k);
  const latestNonce = await provider.getTransactionCount(w.address, 'latest');
  s.eq(`account ${k} latest nonce advanced by its sends`, latestNonce, before[k].nonce + mine.length);
  await s.expect(`account ${k} pending nonce equals latest once all are mined`, () => provider.getTransactionCount(w.address, 'pending'), latestNonce);
  const spent = mine.reduce((acc, [p, r]) => acc + p.value + (r ? r.gasUsed * r.gasPrice : 0n), 0n);
  await s.expect(`account ${k} balance fell by values plus gas`, () => provider.getBalance(w.address), before[k].balance - spent);
}
const expected = new Map();
for (const p of plan) expected.set(p.to, (expected.get(p.to) || 0n) + p.value);
const balances = await Promise.all(recipients.map((r) => provider.getBalance(r)));
s.check('every recipient received the sum of its transfers', recipients.every((r, i) => balances[i] === expected.get(r)), () => `first mismatch: ${recipients.find((r, i) => balances[i] !== expected.get(r))}`);

provider.destroy();
s.finish();
