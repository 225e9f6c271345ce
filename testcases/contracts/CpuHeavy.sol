// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title CpuHeavy
/// @notice Burns execution gas without touching storage: `sort` fills an array in memory with
/// pseudo-random numbers derived from `signature` and quicksorts it. Gas grows like
/// size * log(size) and no storage is written, so the cost is pure EVM work.
/// Measured gas (solc 0.8.37 paris, optimizer 200, anvil 1.7.1; printed by test/contracts.test.ts):
/// deploy ~317k; sort(100, 1) ~282k; sort(MAX_SIZE = 2000, 7) ~8.0M.
contract CpuHeavy {
    /// Emitted so that a receipt shows the work was done (and with which input).
    event Sorted(uint256 indexed signature, uint256 size, bytes32 digest);

    error SizeTooLarge(uint256 size, uint256 max);

    /// Keeps a mistaken argument from asking for a block's worth of gas in one call.
    uint256 public constant MAX_SIZE = 2000;

    /// Returns keccak256 of the sorted array (packed), so a caller can check the work off-chain.
    function sort(uint256 size, uint256 signature) external returns (bytes32 digest) {
        if (size > MAX_SIZE) revert SizeTooLarge(size, MAX_SIZE);
        uint256[] memory data = new uint256[](size);
        uint256 seed = signature;
        for (uint256 i = 0; i < size; i++) {
            // A linear congruential step: cheap, deterministic, and far from sorted.
            unchecked {
                seed = seed * 6364136223846793005 + 1442695040888963407;
            }
            data[i] = seed >> 128;
        }
        if (size > 1) quickSort(data, 0, int256(size) - 1);
        digest = keccak256(abi.encodePacked(data));
        emit Sorted(signature, size, digest);
    }

    /// Hoare-style quicksort with signed indices (so `j` may step below `left`). The middle
    /// pivot keeps the recursion shallow on the pseudo-random input.
    function quickSort(uint256[] memory data, int256 left, int256 right) private pure {
        int256 i = left;
        int256 j = right;
        uint256 pivot = data[uint256(left + (right - left) / 2)];
        while (i <= j) {
            while (data[uint256(i)] < pivot) i++;
            while (pivot < data[uint256(j)]) j--;
            if (i <= j) {
                (data[uint256(i)], data[uint256(j)]) = (data[uint256(j)], data[uint256(i)]);
                i++;
                j--;
            }
        }
        if (left < j) quickSort(data, left, j);
        if (i < right) quickSort(data, i, right);
    }
}
