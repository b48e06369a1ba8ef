import type { CatalogPart } from "../types.ts";

export const org = {
  vi: {
    "org.fileInvalid": "Tệp tổ chức có lỗi, chưa có gì được thay đổi: {problems}",
  },
  en: {
    "org.fileInvalid": "The organisation file has errors; nothing was changed: {problems}",
  },
} satisfies CatalogPart;
