import { createInProcessRunner } from "../../jobs/in-process-runner.ts";
import { runnerContract } from "./runner-contract.ts";

runnerContract("in-process", async (o) => createInProcessRunner({ ...o }));
