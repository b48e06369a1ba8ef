// The reference of a package from the interchange waiting on the register clerks' card: `LT5` ("lt 5",
// "Lt5" work too), as the card shows it (core/interchange/pending-package.ts packageRef).

/**
 * Reads `LT<number>` at the start of a command's arguments: the package's number and the words after it.
 *
 * @example readPackageRef("LT5 Gửi nhầm cơ quan") // { number: 5, rest: "Gửi nhầm cơ quan" }
 */
export const readPackageRef = (args: string): { number: number; rest: string } | null => {
  const m = /^\s*lt[ \t]*(\d{1,9})(?![\p{L}\p{N}_])[ \t]*[:,]?/iu.exec(args);
  if (!m) return null;
  const number = Number(m[1]);
  return number >= 1 ? { number, rest: args.slice(m[0].length).trim() } : null;
};
