/** Datto SaaS Protection's GET /v1/saas/domains as documented: a plain array, one row per domain. */
export const dattoSaasDomains = [
  {
    saasCustomerId: 12345,
    saasCustomerName: "Acme Corporation",
    domain: "acme.example",
    productType: "Office365",
    retentionType: "Infinite Cloud Retention",
    seatsUsed: 48,
    organizationId: 9001,
    organizationName: "Acme Corporation",
  },
  {
    saasCustomerId: 12345,
    saasCustomerName: "Acme Corporation",
    domain: "ACME.example",
    productType: "Office365",
    seatsUsed: 2,
  },
  {
    saasCustomerId: 12346,
    saasCustomerName: "Beta LLC",
    domain: "beta.example",
    productType: "GoogleApps",
    seatsUsed: 7,
  },
];
