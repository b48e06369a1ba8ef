// The `edoc` CLI and the web chat's sign-in as a person uses them beside a running service: a second
// terminal (an asynchronous child process, so the test keeps serving its own sockets) and the page's
// sign-in request.
import { spawn } from "node:child_process";

export type CommandResult = { status: number | null; stdout: string; stderr: string };

/** Runs `edoc ARGS` with exactly `env` (plus PATH, HOME and TZ=UTC). */
export const runEdoc = (args: string[], env: Record<string, string>): Promise<CommandResult> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, ["bin/edoc.js", ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", TZ: "UTC", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("exit", (status) => resolve({ status, stdout, stderr }));
  });

/** Signs in to the web chat with a link code, as the page does; returns the session cookie. */
export const signInWithCode = async (port: number, code: string) => {
  const origin = `http://127.0.0.1:${port}`;
  const res = await fetch(`${origin}/chat/api/sign-in`, { method: "POST", headers: { "content-type": "application/json", origin }, body: JSON.stringify({ code }) });
  const body = (await res.json()) as { signedIn?: boolean; user?: { name: string; unitCode: string } };
  return { status: res.status, body, cookie: (res.headers.get("set-cookie") ?? "").split(";")[0]! };
};

/** Whether a session cookie is still signed in. */
export const isSignedIn = async (port: number, cookie: string): Promise<boolean> =>
  ((await (await fetch(`http://127.0.0.1:${port}/chat/api/session`, { headers: { cookie } })).json()) as { signedIn: boolean }).signedIn;
