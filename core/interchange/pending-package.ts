// Light pieces of a package from the interchange that the outbox renderer and the bots need without the
// receiving machinery (parser, intake checks): its name in chat, its stored files, its urgency.

/** How a package waiting on the register clerks' card is named in chat: `LT5` (/ok LT5, /tralai LT5 lý do). */
export const packageRef = (number: number): string => `LT${number}`;

/** A package stored for the card: the original and each attachment in the file store (main first). */
export type HeldFiles = { original: { sha256: string; size: number }; attachments: { sha256: string; size: number; name: string; contentType: string }[] };

/** The edXML urgency codes (OtherInfo/Priority): 0 thường, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc, 4 hỏa tốc hẹn giờ. */
export const urgencyOfPriority = (priority: string | undefined): "NORMAL" | "URGENT" | "VERY_URGENT" | "FLASH" => {
  switch (priority?.trim()) {
    case "1":
      return "URGENT";
    case "2":
      return "VERY_URGENT";
    case "3":
    case "4":
      return "FLASH";
    default:
      return "NORMAL";
  }
};
