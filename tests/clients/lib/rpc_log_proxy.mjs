// A JSON-RPC proxy that records which methods a client calls (and the shape of their parameters), to
// learn what a node must serve for ethers, viem and cast. Not used by the suites themselves.
//
//   node lib/rpc_log_proxy.mjs --upstream http://127.0.0.1:8545 --port 8600 --log calls.tsv
//
// Each request (a batch counts each of its members) appends "method<TAB>params shape" to the log; on
// SIGINT/SIGTERM it prints a count per method and shape. Shapes keep the block tags, booleans and
// object keys and replace the rest by their kind: ["latest",false], [{"data","from","to"}], ...
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const upstream = args.upstream || 'http://127.0.0.1:8545';
const port = Number(args.port || 8600);
const counts = new Map();
const denied = new Set((args.deny || '').split(',').filter(Boolean));
const refusal = (req) => ({ jsonrpc: '2.0', id: req.id ?? null, error: { code: -32601, message: `the method ${req.method} does not exist/is not available` } });

function shape(v) {
  if (Array.isArray(v)) return `[${v.map(shape).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => JSON.stringify(k)).join(',')}}`;
  if (typeof v === 'string') {
    if (['latest', 'pending', 'earliest', 'safe', 'finalized'].includes(v)) return JSON.stringify(v);
    if (/^0x[0-9a-fA-F]{64}$/.test(v)) return 'hash';
    if (/^0x[0-9a-fA-F]{40}$/.test(v)) return 'address';
    if (/^0x[0-9a-fA-F]{1,16}$/.test(v)) return 'quantity';
    return 'data';
  }
  return JSON.stringify(v);
}

function record(req) {
  if (!req || typeof req !== 'object') return;
  const line = `${req.method}\t${shape(req.params ?? [])}`;
  counts.set(line, (counts.get(line) || 0) + 1);
  if (args.log) appendFileSync(args.log, `${line}\n`);
}

async function forward(body) {
  const up = await fetch(upstream, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: up.status, body: Buffer.from(await up.arrayBuffer()) };
}

async function answer(body) {
  let parsed;
  try {
    parsed = JSON.parse(body.toString());
  } catch {
    return forward(body); // not JSON: the node's own error
  }
  if (!Array.isArray(parsed)) {
    record(parsed);
    return denied.has(parsed?.method) ? { status: 200, body: JSON.stringify(refusal(parsed)) } : forward(body);
  }
  parsed.forEach(record);
  const tag = `(batch of ${parsed.length <= 10 ? parsed.length : '>10'})`;
  counts.set(tag, (counts.get(tag) || 0) + 1);
  const refused = parsed.filter((r) => denied.has(r?.method));
  if (!refused.length) return forward(body);
  const rest = parsed.filter((r) => !denied.has(r?.method));
  const upstreamPart = rest.length ? JSON.parse((await forward(JSON.stringify(rest))).body.toString()) : [];
  return { status: 200, body: JSON.stringify([...upstreamPart, ...refused.map(refusal)]) };
}

createServer(async (req, res) => {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  try {
    const out = await answer(Buffer.concat(chunks));
    res.writeHead(out.status, { 'content-type': 'application/json' });
    res.end(out.body);
  } catch (e) {
    res.writeHead(502);
    res.end(String(e));
  }
}).listen(port, '127.0.0.1', () => console.error(`rpc_log_proxy: 127.0.0.1:${port} -> ${upstream}${denied.size ? `, refusing ${[...denied].join(', ')}` : ''}`));

const report = () => {
  for (const [k, n] of [...counts].sort()) console.log(`${String(n).padStart(6)}  ${k}`);
  process.exit(0);
};
process.on('SIGINT', report);
process.on('SIGTERM', report);
