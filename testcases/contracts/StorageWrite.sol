// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title StorageWrite
/// @notice A registry of identities keyed by serial number. Each `insertIdentity` with a new
/// serial fills fresh storage slots (about one per 32 bytes of its strings), so a stream of them
/// grows the contract's storage trie: the "storage trie write" workload.
/// Measured gas (solc 0.8.37 paris, optimizer 200, anvil 1.7.1; printed by test/contracts.test.ts):
/// deploy ~414k; insertIdentity(39, 814, 40 chars) with a new serial ~750k.
contract StorageWrite {
    struct Identity {
        string publicKey;
        string hash;
        address registrar;
    }

    mapping(bytes32 => Identity) private identities;
    uint256 public identityCount;

    event IdentityInserted(bytes32 indexed serialHash, address indexed registrar);

    error EmptySerial();

    /// Overwrites an existing serial (cheaper: slots are already non-zero).
    function insertIdentity(string calldata serial, string calldata publicKey, string calldata hash) external {
        if (bytes(serial).length == 0) revert EmptySerial();
        bytes32 key = keccak256(bytes(serial));
        Identity storage id = identities[key];
        if (id.registrar == address(0)) identityCount += 1;
        id.publicKey = publicKey;
        id.hash = hash;
        id.registrar = msg.sender;
        emit IdentityInserted(key, msg.sender);
    }

    function getIdentity(string calldata serial)
        external
        view
        returns (string memory publicKey, string memory hash, address registrar)
    {
        Identity storage id = identities[keccak256(bytes(serial))];
        return (id.publicKey, id.hash, id.registrar);
    }
}
