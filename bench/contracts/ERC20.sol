// SPDX-License-Identifier: MIT
// A plain ERC-20 token for Braid's benchmarks. The storage layout is part of the benchmark's contract:
// bench/workloads.c writes balances and allowances straight into storage instead of running a
// constructor per holder, so keep the declaration order (build.sh records the slots in bytecode.h).
pragma solidity ^0.8.24;

contract ERC20 {
    mapping(address => uint256) public balanceOf;                       // slot 0
    mapping(address => mapping(address => uint256)) public allowance;   // slot 1
    uint256 public totalSupply;                                         // slot 2

    string public constant name = "Braid Bench Token";
    string public constant symbol = "BBT";
    uint8 public constant decimals = 18;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    constructor(uint256 supply) {
        balanceOf[msg.sender] = supply;
        totalSupply = supply;
        emit Transfer(address(0), msg.sender, supply);
    }

    function transfer(address to, uint256 value) external returns (bool) {
        _move(msg.sender, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        // An unlimited approval is never decremented: that saves a storage write on every pull, which
        // is how routers are used in practice.
        if (allowed != type(uint256).max) {
            require(allowed >= value, "ERC20: allowance");
            unchecked {
                allowance[from][msg.sender] = allowed - value;
            }
        }
        _move(from, to, value);
        return true;
    }

    function _move(address from, address to, uint256 value) private {
        require(to != address(0), "ERC20: to zero");
        uint256 have = balanceOf[from];
        require(have >= value, "ERC20: balance");
        unchecked {
            // no overflow: the sum of all balances is totalSupply
            balanceOf[from] = have - value;
            balanceOf[to] += value;
        }
        emit Transfer(from, to, value);
    }
}
