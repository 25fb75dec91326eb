/** A page of IT Glue's GET /organizations as documented (JSON:API), trimmed to a few resources. */
export const itGlueOrganizationsPage = {
  data: [
    {
      id: "2",
      type: "organizations",
      attributes: {
        name: "Happy Frog ",
        "short-name": "HF",
        "organization-type-id": 1,
        "organization-type-name": "Customer",
        "organization-status-id": 1,
        "organization-status-name": "Active",
        "primary-domain": "happyfrog.example",
        "psa-integration": "autotask",
        "quick-notes": null,
      },
    },
    {
      id: "3",
      type: "organizations",
      attributes: { name: "Internal IT", "organization-type-name": "Internal" },
    },
  ],
  meta: {
    "current-page": 1,
    "next-page": null,
    "prev-page": null,
    "total-pages": 1,
    "total-count": 2,
    filters: {},
  },
};
