import { expect } from "chai";
import { network } from "hardhat";

const { ethers } = await network.create();

describe("BenchToken (gas benchmark reference)", function () {
  describe("mintBatch", function () {
    it("mints each amount to its holder with one Transfer from the zero address each", async function () {
      const token = await ethers.deployContract("BenchToken");
      const holders = [1, 2, 3].map((i) => ethers.getAddress(ethers.zeroPadValue(ethers.toBeHex(i + 100), 20)));
      const tx = token.mintBatch(holders, [5n, 6n, 7n]);
      await expect(tx).to.emit(token, "Transfer").withArgs(ethers.ZeroAddress, holders[2], 7n);
      expect(await token.balanceOf(holders[0])).to.equal(5n);
      expect(await token.totalSupply()).to.equal(18n);
    });
  });
});
