/**
 * mintNft: CardNft.mintCard() from the sender, who gets the next card (the Go tools'
 * mintNFTTC): a fresh token slot and an ownership change per call (~56-73k gas; the gas limit
 * comes from a sender's first card, the costliest, since no test account holds one when the
 * contract is deployed). Success = accepted by the node.
 */
import { Interface } from 'ethers/abi';

import { loadArtifact } from './artifacts.js';
import { fixedCallTestCase } from './contract-call.js';

export const mintNft = fixedCallTestCase({
  name: 'mintNft',
  aliases: ['mintNFTTC'],
  description: 'CardNft.mintCard(): an ERC-721 token minted to the sender (~56-73k gas); success = accepted by the node',
  contract: 'CardNft',
  data: new Interface(loadArtifact('CardNft').abi).encodeFunctionData('mintCard', []),
});
