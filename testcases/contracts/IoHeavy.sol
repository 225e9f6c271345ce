// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title IoHeavy
/// @notice BlockBench's IOHeavy workload: `write` stores a 100-byte value under each of `size`
/// consecutive keys (five storage slots a key: the length and four words), `scan` reads them
/// back. As in BlockBench, a key's value depends on the key alone, so writing a key again
/// changes no slot: the first write of a key is the costly one.
/// Measured gas (solc 0.8.37 paris, optimizer 200, anvil 1.7.1; printed by test/contracts.test.ts):
/// deploy ~427k; write(100 fresh keys) ~11.2M, write(the same keys again) ~1.3M;
/// scan(100 written keys) ~1.2M.
contract IoHeavy {
    /// Bytes in each stored value.
    uint256 public constant VALUE_BYTES = 100;
    /// Keeps a mistaken argument from asking for more than a block's worth of gas in one call.
    uint256 public constant MAX_SIZE = 200;

    mapping(uint256 => bytes) private store;

    /// `signature` tells the calls apart in the logs, as in BlockBench.
    event Written(uint256 indexed signature, uint256 startKey, uint256 size);
    event Scanned(uint256 indexed signature, uint256 startKey, uint256 size, bytes32 digest);

    error SizeTooLarge(uint256 size, uint256 max);

    function write(uint256 startKey, uint256 size, uint256 signature) external {
        if (size > MAX_SIZE) revert SizeTooLarge(size, MAX_SIZE);
        for (uint256 i = 0; i < size; i++) {
            store[startKey + i] = valueOf(startKey + i);
        }
        emit Written(signature, startKey, size);
    }

    /// Reads every value of the range (an empty one for a key never written); the digest chains
    /// their hashes, so the reads cannot be optimised away and a caller can check them off-chain.
    function scan(uint256 startKey, uint256 size, uint256 signature) external returns (bytes32 digest) {
        if (size > MAX_SIZE) revert SizeTooLarge(size, MAX_SIZE);
        for (uint256 i = 0; i < size; i++) {
            digest = keccak256(abi.encodePacked(digest, store[startKey + i]));
        }
        emit Scanned(signature, startKey, size, digest);
    }

    function get(uint256 key) external view returns (bytes memory) {
        return store[key];
    }

    /// The VALUE_BYTES bytes stored under `key`: chained hashes of the key.
    function valueOf(uint256 key) public pure returns (bytes memory) {
        bytes32 a = keccak256(abi.encode(key));
        bytes32 b = keccak256(abi.encode(a));
        bytes32 c = keccak256(abi.encode(b));
        bytes32 d = keccak256(abi.encode(c));
        return abi.encodePacked(a, b, c, bytes4(d));
    }
}
