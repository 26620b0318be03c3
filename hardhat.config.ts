import { createRequire } from "node:module";
import { defineConfig } from "hardhat/config";
import hardhatEthers from "@nomicfoundation/hardhat-ethers";
import hardhatEthersChaiMatchers from "@nomicfoundation/hardhat-ethers-chai-matchers";
import hardhatMocha from "@nomicfoundation/hardhat-mocha";
import hardhatTypechain from "@nomicfoundation/hardhat-typechain";
import hardhatIgnitionEthers from "@nomicfoundation/hardhat-ignition-ethers";
import hardhatNetworkHelpers from "@nomicfoundation/hardhat-network-helpers";

const require = createRequire(import.meta.url);
// The compiler cannot be downloaded on our machines: use solcjs (WebAssembly) from the npm `solc` package.
const solcVersion: string = require("solc/package.json").version;

export default defineConfig({
  plugins: [
    hardhatEthers,
    hardhatEthersChaiMatchers,
    hardhatMocha,
    hardhatTypechain,
    hardhatIgnitionEthers,
    hardhatNetworkHelpers,
  ],
  solidity: {
    version: solcVersion,
    path: require.resolve("solc/soljson.js"),
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "cancun",
    },
    // Deployed by deploy/PensionLedger.ts in front of the UUPS implementation.
    npmFilesToBuild: ["@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol"],
  },
  paths: {
    tests: { mocha: "test/contracts", solidity: "test/contracts" },
  },
  typechain: { outDir: "types" },
  networks: {
    localhost: { type: "http", url: process.env.CHAIN_RPC_URL ?? "http://127.0.0.1:8545" },
  },
});
