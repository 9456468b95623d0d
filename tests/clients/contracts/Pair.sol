// SPDX-License-Identifier: MIT
// A minimal constant-product market between two Token contracts, for the client tests and the node
// load benchmark. Liquidity providers deposit both tokens; a trader approves the pair once and then
// swaps an exact input for at least a minimum output. Fee: 0.3% of the input stays in the pool.
// Each swap moves tokens with transferFrom/transfer (so a receipt carries the tokens' Transfer logs
// as well as the pair's Swap and Sync).
pragma solidity ^0.8.20;

interface IToken {
    function transfer(address to, uint256 value) external returns (bool);
    function transferFrom(address from, address to, uint256 value) external returns (bool);
}

contract Pair {
    IToken public immutable token0;
    IToken public immutable token1;
    uint256 public reserve0;
    uint256 public reserve1;

    event Deposit(address indexed provider, uint256 amount0, uint256 amount1);
    event Swap(address indexed trader, bool zeroForOne, uint256 amountIn, uint256 amountOut, address indexed to);
    event Sync(uint256 reserve0, uint256 reserve1);

    constructor(IToken tokenA, IToken tokenB) {
        require(address(tokenA) != address(tokenB), "identical tokens");
        token0 = tokenA;
        token1 = tokenB;
    }

    function deposit(uint256 amount0, uint256 amount1) external {
        require(token0.transferFrom(msg.sender, address(this), amount0), "transfer in failed");
        require(token1.transferFrom(msg.sender, address(this), amount1), "transfer in failed");
        reserve0 += amount0;
        reserve1 += amount1;
        emit Deposit(msg.sender, amount0, amount1);
        emit Sync(reserve0, reserve1);
    }

    // What `amountIn` of token0 (zeroForOne) or of token1 buys at the current reserves.
    function quote(uint256 amountIn, bool zeroForOne) public view returns (uint256) {
        (uint256 reserveIn, uint256 reserveOut) = zeroForOne ? (reserve0, reserve1) : (reserve1, reserve0);
        require(reserveIn > 0 && reserveOut > 0, "no liquidity");
        uint256 inAfterFee = amountIn * 997;
        return (inAfterFee * reserveOut) / (reserveIn * 1000 + inAfterFee);
    }

    function swap(uint256 amountIn, uint256 minOut, bool zeroForOne, address to) external returns (uint256 amountOut) {
        require(amountIn > 0, "zero input");
        amountOut = quote(amountIn, zeroForOne);
        require(amountOut >= minOut, "slippage");
        (IToken tokenIn, IToken tokenOut) = zeroForOne ? (token0, token1) : (token1, token0);
        require(tokenIn.transferFrom(msg.sender, address(this), amountIn), "transfer in failed");
        require(tokenOut.transfer(to, amountOut), "transfer out failed");
        if (zeroForOne) {
            reserve0 += amountIn;
            reserve1 -= amountOut;
        } else {
            reserve1 += amountIn;
            reserve0 -= amountOut;
        }
        emit Swap(msg.sender, zeroForOne, amountIn, amountOut, to);
        emit Sync(reserve0, reserve1);
    }
}
