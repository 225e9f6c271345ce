// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title IoHeavy
/// @notice BlockBench's IOHeavy workload: `write` stores a 100-byte value under each of `size`
/// consecutive keys, `scan` reads them back. As in BlockBench, a key's value depends on the key
/// alone, so writing a key again changes no slot: its first write is the costly one. A value is
/// kept in four words of its own (no length slot: every value has the same length), so a scan
/// reads the same slots whether the keys were written or not, and costs the same.
/// Measured gas (solc 0.8.37 paris, optimizer 200, anvil 1.7.1; printed by test/contracts.test.ts):
/// deploy ~351k; write(100 fresh keys) ~9.0M, write(the same keys again) ~1.04M;
/// scan(100 keys) ~1.0M.
contract IoHeavy {
    /// Bytes in each value.
    uint256 public constant VALUE_BYTES = 100;
    /// Keeps a mistaken argument from asking for more than a block's worth of gas in one call.
    uint256 public constant MAX_SIZE = 200;

    mapping(uint256 => bytes32[4]) private store;

    /// `signature` tells the calls apart in the logs, as in BlockBench.
    event Written(uint256 indexed signature, uint256 startKey, uint256 size);
    event Scanned(uint256 indexed signature, uint256 startKey, uint256 size, bytes32 digest);

    error SizeTooLarge(uint256 size, uint256 max);

    function write(uint256 startKey, uint256 size, uint256 signature) external {
        if (size > MAX_SIZE) revert SizeTooLarge(size, MAX_SIZE);
        for (uint256 i = 0; i < size; i++) {
            store[startKey + i] = words(startKey + i);
        }
        emit Written(signature, startKey, size);
    }

    /// Reads every value of the range; the digest chains them, so the reads cannot be optimised
    /// away and a caller can check them off-chain: digest = keccak256(digest ‖ value) per key.
    function scan(uint256 startKey, uint256 size, uint256 signature) external returns (bytes32 digest) {
        if (size > MAX_SIZE) revert SizeTooLarge(size, MAX_SIZE);
        for (uint256 i = 0; i < size; i++) {
            digest = keccak256(abi.encodePacked(digest, join(store[startKey + i])));
        }
        emit Scanned(signature, startKey, size, digest);
    }

    /// The value stored under `key` (VALUE_BYTES zero bytes for a key never written).
    function get(uint256 key) external view returns (bytes memory) {
        return join(store[key]);
    }

    /// The value `write` stores under `key`: chained hashes of the key.
    function valueOf(uint256 key) external pure returns (bytes memory) {
        return join(words(key));
    }

    function words(uint256 key) private pure returns (bytes32[4] memory w) {
        w[0] = keccak256(abi.encode(key));
        w[1] = keccak256(abi.encode(w[0]));
        w[2] = keccak256(abi.encode(w[1]));
        // Only the first 4 bytes of the last word belong to the value.
        w[3] = keccak256(abi.encode(w[2])) & bytes32(bytes4(0xffffffff));
    }

    function join(bytes32[4] memory w) private pure returns (bytes memory) {
        return abi.encodePacked(w[0], w[1], w[2], bytes4(w[3]));
    }
}
