// Builders for workflow tests: the example organisation, its users by code, sample PDFs.
import { readFile } from "node:fs/promises";
import { importOrganization } from "../../core/org/import-organization.ts";
import type { CoreDeps } from "../../core/deps.ts";
import { registerIncomingDocument, type RegisterIncomingInput } from "../../core/documents/register-incoming-document.ts";
import { issueLinkCode } from "../../core/identity/issue-link-code.ts";
import { redeemLinkCode } from "../../core/identity/redeem-link-code.ts";

export type OrgFixture = { orgId: string; users: Record<string, string>; units: Record<string, string> };

/** Imports examples/quy-nhon.yaml and returns user and unit ids by code. */
export const setupExampleOrg = async (deps: CoreDeps): Promise<OrgFixture> => {
  const { orgId } = await importOrganization(deps, { text: await readFile("examples/quy-nhon.yaml", "utf8") });
  const users = await deps.prisma.user.findMany({ where: { orgId }, select: { id: true, code: true } });
  const units = await deps.prisma.unit.findMany({ where: { orgId }, select: { id: true, code: true } });
  return { orgId, users: Object.fromEntries(users.map((u) => [u.code, u.id])), units: Object.fromEntries(units.map((u) => [u.code, u.id])) };
};

export const samplePdf = (): Promise<Uint8Array> => readFile("test/fixtures/sample-2-pages.pdf").then((b) => new Uint8Array(b));

/** Registers a document as the clerk with sensible defaults. */
export const registerSample = async (deps: CoreDeps, org: OrgFixture, over: Partial<RegisterIncomingInput> = {}) =>
  registerIncomingDocument(deps, {
    actorUserId: org.users.vanthu!,
    issuer: "Sở Tài chính tỉnh Bình Định",
    codeNumber: "45",
    codeNotation: "STC-NS",
    issuedDate: "2026-11-20",
    subject: "V/v hướng dẫn lập dự toán ngân sách năm 2027",
    ...over,
  });

/** Links a chat account to a user the way a person does: a fresh link code, redeemed from that chat. */
export const linkChat = async (deps: CoreDeps, channel: "TELEGRAM" | "ZALO" | "WEB", externalId: string, userCode: string): Promise<void> => {
  const { code } = await issueLinkCode(deps, { userCode });
  await redeemLinkCode(deps, { channel, externalUserId: externalId, chatId: externalId, code });
};
