/** A page of Datto RMM's GET /api/v2/account/sites as documented, trimmed to a few sites. */
export const dattoRmmSitesPage = {
  pageDetails: { count: 3, totalCount: 3, prevPageUrl: null, nextPageUrl: null },
  sites: [
    {
      id: 1,
      uid: "0c7a2e4d-0000-4000-8000-000000000001",
      accountUid: "acc1",
      name: "deleted devices",
      description: "",
      onDemand: false,
      splashtopAutoInstall: false,
      autotaskCompanyName: null,
      autotaskCompanyId: null,
    },
    {
      id: 2,
      uid: "0c7a2e4d-0000-4000-8000-000000000002",
      accountUid: "acc1",
      name: "Acme Corporation",
      description: "Head office",
      onDemand: false,
      splashtopAutoInstall: true,
      autotaskCompanyName: "Acme Corporation",
      autotaskCompanyId: "4711",
    },
    {
      id: 3,
      uid: "0c7a2e4d-0000-4000-8000-000000000003",
      accountUid: "acc1",
      name: "Beta LLC",
      description: "",
      onDemand: true,
      splashtopAutoInstall: false,
      autotaskCompanyName: "",
      autotaskCompanyId: "",
    },
  ],
};
