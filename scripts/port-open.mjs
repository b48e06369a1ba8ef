// Exits 0 when something accepts TCP connections on HOST:PORT (used by scripts/test.sh).
import net from "node:net";
const [host, port] = [process.argv[2] ?? "127.0.0.1", Number(process.argv[3])];
const socket = net.connect({ host, port, timeout: 1500 });
socket.on("connect", () => {
  socket.destroy();
  process.exit(0);
});
socket.on("timeout", () => {
  socket.destroy();
  process.exit(1);
});
socket.on("error", () => process.exit(1));
