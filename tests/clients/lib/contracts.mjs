// Compiles tests/clients/contracts/*.sol with solc-js (the exact version pinned in package.json), at
// test time: no compiled artifact is committed. Target: Cancun, the fork the braid node runs.
//
//   import { compileContracts } from './lib/contracts.mjs';
//   const { Token, Pair } = compileContracts(); // { abi, bytecode: '0x…', deployedBytecode: '0x…' }
//
// Run directly, it prints one contract's creation bytecode (for cast.sh):
//   node lib/contracts.mjs Token bytecode
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import solc from 'solc';

const contractsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'contracts');
let cached = null;

export function compileContracts() {
  if (cached) return cached;
  const sources = {};
  for (const file of readdirSync(contractsDir).filter((f) => f.endsWith('.sol')).sort())
    sources[file] = { content: readFileSync(join(contractsDir, file), 'utf8') };
  const input = {
    language: 'Solidity',
    sources,
    settings: {
      evmVersion: 'cancun',
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (output.errors || []).filter((e) => e.severity === 'error');
  if (errors.length) throw new Error(`solc: ${errors.map((e) => e.formattedMessage).join('\n')}`);
  const out = {};
  for (const file of Object.keys(output.contracts || {}))
    for (const [name, c] of Object.entries(output.contracts[file]))
      out[name] = {
        abi: c.abi,
        bytecode: `0x${c.evm.bytecode.object}`,
        deployedBytecode: `0x${c.evm.deployedBytecode.object}`,
      };
  cached = out;
  return out;
}

export const solcVersion = () => solc.version();

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [name, field = 'bytecode'] = process.argv.slice(2);
  const c = compileContracts()[name];
  if (!c) {
    console.error(`usage: node lib/contracts.mjs CONTRACT [bytecode|deployedBytecode|abi]; known: ${Object.keys(compileContracts()).join(', ')}`);
    process.exit(2);
  }
  console.log(field === 'abi' ? JSON.stringify(c.abi) : c[field]);
}
