// SPDX-License-Identifier: MIT
// A constant-product pair over two ERC-20 tokens, in the manner of Uniswap V2's core pair, for Braid's
// benchmarks. Besides the core `swap` (input tokens sent to the pair beforehand) it has `swapExactIn`,
// the part of a router a single transaction from an EOA needs: it pulls the input with transferFrom
// (after an approval) and pays out the constant-product amount less the 0.3% fee. Either way a swap
// reads and writes what a real V2 swap does: the packed reserves, the lock, both tokens' balances of the
// pair and of the trader, and the price accumulators once per block.
//
// The storage layout is part of the benchmark's contract (bench/workloads.c writes the reserves and
// token addresses directly): keep the declaration order; build.sh records the slots in bytecode.h.
pragma solidity ^0.8.24;

interface IERC20Min {
    function balanceOf(address owner) external view returns (uint256);
    function transfer(address to, uint256 value) external returns (bool);
    function transferFrom(address from, address to, uint256 value) external returns (bool);
}

contract Pair {
    address public token0;              // slot 0
    address public token1;              // slot 1
    uint112 private reserve0;           // slot 2, low 112 bits
    uint112 private reserve1;           // slot 2, next 112 bits
    uint32 private blockTimestampLast;  // slot 2, top 32 bits
    uint256 public price0CumulativeLast; // slot 3
    uint256 public price1CumulativeLast; // slot 4
    uint256 private unlocked = 1;       // slot 5

    event Swap(
        address indexed sender,
        uint256 amount0In,
        uint256 amount1In,
        uint256 amount0Out,
        uint256 amount1Out,
        address indexed to
    );
    event Sync(uint112 reserve0, uint112 reserve1);

    constructor(address _token0, address _token1) {
        token0 = _token0;
        token1 = _token1;
    }

    // Token callbacks could re-enter between the payout and the reserve update.
    modifier lock() {
        require(unlocked == 1, "Pair: locked");
        unlocked = 0;
        _;
        unlocked = 1;
    }

    function getReserves() public view returns (uint112 _reserve0, uint112 _reserve1, uint32 _blockTimestampLast) {
        return (reserve0, reserve1, blockTimestampLast);
    }

    // The output for `amountIn` after the 0.3% fee, keeping reserveIn * reserveOut constant.
    function getAmountOut(uint256 amountIn, uint256 reserveIn, uint256 reserveOut) public pure returns (uint256) {
        require(amountIn > 0, "Pair: no input");
        require(reserveIn > 0 && reserveOut > 0, "Pair: no liquidity");
        uint256 inWithFee = amountIn * 997;
        return (inWithFee * reserveOut) / (reserveIn * 1000 + inWithFee);
    }

    function swap(uint256 amount0Out, uint256 amount1Out, address to) external lock {
        _swap(amount0Out, amount1Out, to);
    }

    function swapExactIn(uint256 amountIn, uint256 amountOutMin, bool zeroForOne, address to)
        external
        lock
        returns (uint256 amountOut)
    {
        (uint112 r0, uint112 r1, ) = getReserves();
        amountOut = zeroForOne ? getAmountOut(amountIn, r0, r1) : getAmountOut(amountIn, r1, r0);
        require(amountOut >= amountOutMin, "Pair: slippage");
        _call(zeroForOne ? token0 : token1, abi.encodeCall(IERC20Min.transferFrom, (msg.sender, address(this), amountIn)));
        if (zeroForOne) _swap(0, amountOut, to);
        else _swap(amountOut, 0, to);
    }

    // Makes the reserves match the balances (tokens sent to the pair without a swap).
    function sync() external lock {
        (uint112 r0, uint112 r1, ) = getReserves();
        _update(IERC20Min(token0).balanceOf(address(this)), IERC20Min(token1).balanceOf(address(this)), r0, r1);
    }

    // Pays out optimistically, then infers the input from the balances and checks the invariant with the
    // fee taken from the input: (b0 * 1000 - in0 * 3) * (b1 * 1000 - in1 * 3) >= r0 * r1 * 1000^2.
    function _swap(uint256 amount0Out, uint256 amount1Out, address to) private {
        require(amount0Out > 0 || amount1Out > 0, "Pair: no output");
        (uint112 r0, uint112 r1, ) = getReserves();
        require(amount0Out < r0 && amount1Out < r1, "Pair: no liquidity");
        uint256 b0;
        uint256 b1;
        {
            // scoped so that the token addresses leave the stack (it is too deep otherwise)
            address t0 = token0;
            address t1 = token1;
            require(to != t0 && to != t1, "Pair: bad to");
            if (amount0Out > 0) _call(t0, abi.encodeCall(IERC20Min.transfer, (to, amount0Out)));
            if (amount1Out > 0) _call(t1, abi.encodeCall(IERC20Min.transfer, (to, amount1Out)));
            b0 = IERC20Min(t0).balanceOf(address(this));
            b1 = IERC20Min(t1).balanceOf(address(this));
        }
        uint256 in0 = b0 > r0 - amount0Out ? b0 - (r0 - amount0Out) : 0;
        uint256 in1 = b1 > r1 - amount1Out ? b1 - (r1 - amount1Out) : 0;
        require(in0 > 0 || in1 > 0, "Pair: no input");
        {
            uint256 adjusted0 = b0 * 1000 - in0 * 3;
            uint256 adjusted1 = b1 * 1000 - in1 * 3;
            require(adjusted0 * adjusted1 >= uint256(r0) * r1 * 1000 ** 2, "Pair: K");
        }
        _update(b0, b1, r0, r1);
        emit Swap(msg.sender, in0, in1, amount0Out, amount1Out, to);
    }

    function _update(uint256 b0, uint256 b1, uint112 r0, uint112 r1) private {
        require(b0 <= type(uint112).max && b1 <= type(uint112).max, "Pair: overflow");
        uint32 now32 = uint32(block.timestamp);
        unchecked {
            // wraps every 136 years, on purpose: only differences matter
            uint32 elapsed = now32 - blockTimestampLast;
            if (elapsed > 0 && r0 != 0 && r1 != 0) {
                // prices as UQ112.112 fixed point, integrated over time
                price0CumulativeLast += ((uint256(r1) << 112) / r0) * elapsed;
                price1CumulativeLast += ((uint256(r0) << 112) / r1) * elapsed;
            }
        }
        reserve0 = uint112(b0);
        reserve1 = uint112(b1);
        blockTimestampLast = now32;
        emit Sync(reserve0, reserve1);
    }

    // Token calls that accept both ERC-20 styles: returning true, or returning nothing.
    function _call(address token, bytes memory data) private {
        (bool ok, bytes memory ret) = token.call(data);
        require(ok && (ret.length == 0 || abi.decode(ret, (bool))), "Pair: token call failed");
    }
}
