import { describe, expect, it } from "vitest";
import {
  BILLING_TYPES_BY_CONNECTOR_KIND,
  billingTypeKey,
  DATTO_RMM_BILLING_TYPES,
  DATTO_SAAS_BILLING_TYPES,
  dattoRmmCategoryKey,
  dattoSaasSeatsType,
} from "./billing-types.ts";

describe("billing types", () => {
  it("gives Datto RMM a total and one type per device category", () => {
    expect(DATTO_RMM_BILLING_TYPES.map((type) => type.key)).toEqual([
      "devices",
      "devices.desktop",
      "devices.laptop",
      "devices.server",
      "devices.network_device",
      "devices.printer",
      "devices.esxi_host",
    ]);
    expect(DATTO_RMM_BILLING_TYPES.find((type) => type.key === "devices.esxi_host")?.label).toBe(
      "Devices: ESXi Host",
    );
  });

  it("reads Datto RMM's category names whatever their spelling, and nothing else", () => {
    expect(dattoRmmCategoryKey("Network Device")).toBe("network_device");
    expect(dattoRmmCategoryKey("ESXi Host")).toBe("esxi_host");
    expect(dattoRmmCategoryKey(" laptop ")).toBe("laptop");
    expect(dattoRmmCategoryKey("Mobile Device")).toBeNull();
    expect(dattoRmmCategoryKey(null)).toBeNull();
    expect(dattoRmmCategoryKey(7)).toBeNull();
  });

  it("gives SaaS Protection seats, with a type per product type, known or not", () => {
    expect(DATTO_SAAS_BILLING_TYPES.map((type) => type.key)).toEqual([
      "seats",
      "seats.office365",
      "seats.googleapps",
    ]);
    expect(dattoSaasSeatsType("Office365")).toEqual({
      key: "seats.office365",
      label: "Seats: Microsoft 365",
    });
    expect(dattoSaasSeatsType("Box Enterprise")).toEqual({
      key: "seats.box_enterprise",
      label: "Seats: Box Enterprise",
    });
  });

  it("gives IT Glue no billing type: it bills the MSP, not its customers", () => {
    expect(BILLING_TYPES_BY_CONNECTOR_KIND.itglue).toEqual([]);
  });

  it("turns a file's billing type names into one key per meter", () => {
    expect(billingTypeKey("Protected mailboxes")).toBe("protected_mailboxes");
    expect(billingTypeKey("  USERS ")).toBe("users");
    expect(billingTypeKey("Utilisateurs protégés")).toBe("utilisateurs_proteges");
    expect(billingTypeKey("seats.office365")).toBe("seats.office365");
    expect(billingTypeKey(" - ")).toBeNull();
    expect(billingTypeKey("x".repeat(65))).toBeNull();
  });
});
