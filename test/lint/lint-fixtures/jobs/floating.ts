const deliver = async (id: string): Promise<string> => id;

export const sweep = (ids: string[]): void => {
  // A promise nobody awaits: refused.
  deliver(ids[0] ?? "");
  // Fire-and-forget on purpose, said so: allowed.
  void deliver(ids[1] ?? "");
};

export const sweepAll = async (ids: string[]): Promise<void> => {
  await Promise.all(ids.map((id) => deliver(id)));
};
