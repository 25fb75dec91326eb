/**
 * Response shapes from Autotask's REST API documentation, trimmed to what the connector reads.
 * Used by the mapper tests; the emulated server in test/vendors produces the same shapes.
 */
export const autotaskFieldsResponse = {
  fields: [
    { name: "id", dataType: "long", isPickList: false, picklistValues: null },
    {
      name: "companyType",
      dataType: "integer",
      isPickList: true,
      picklistValues: [
        {
          value: "1",
          label: "Customer",
          isDefaultValue: false,
          sortOrder: 0,
          isActive: true,
          isSystem: true,
        },
        { value: "2", label: "Lead", isDefaultValue: false, sortOrder: 0, isActive: true, isSystem: true },
        { value: "3", label: "Prospect", isDefaultValue: true, sortOrder: 0, isActive: true, isSystem: true },
        { value: "4", label: "Dead", isDefaultValue: false, sortOrder: 0, isActive: true, isSystem: true },
        {
          value: "6",
          label: "Cancelation",
          isDefaultValue: false,
          sortOrder: 0,
          isActive: true,
          isSystem: true,
        },
        { value: "7", label: "Vendor", isDefaultValue: false, sortOrder: 0, isActive: true, isSystem: true },
        { value: "8", label: "Partner", isDefaultValue: false, sortOrder: 0, isActive: true, isSystem: true },
      ],
    },
  ],
};

export const autotaskCompaniesPage = {
  items: [
    { id: 0, companyName: "Our MSP", companyType: 1, isActive: true, parentCompanyID: null },
    { id: 174, companyName: "Acme Corporation ", companyType: 1, isActive: true, parentCompanyID: null },
    { id: 175, companyName: "Acme - Denver", companyType: 1, isActive: false, parentCompanyID: 174 },
    { id: 176, companyName: "Old Client", companyType: 4, isActive: false, parentCompanyID: 176 },
  ],
  pageDetails: { count: 4, requestCount: 500, prevPageUrl: null, nextPageUrl: null },
};
