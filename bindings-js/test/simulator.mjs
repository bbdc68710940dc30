// The local Vonage simulator for end-to-end tests, through its Node helper
// tests/simulator/clients/sim.mjs. Resolves to null while that helper does not exist yet.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const helper = new URL("../../tests/simulator/clients/sim.mjs", import.meta.url);

export async function startSimulatorIfBuilt() {
  if (!existsSync(fileURLToPath(helper))) return null;
  const { startSimulator } = await import(helper.href);
  return startSimulator();
}
