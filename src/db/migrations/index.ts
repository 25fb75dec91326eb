import type { Migration } from "kysely";
import * as m0001 from "./0001-initial.ts";
import * as m0002 from "./0002-sync-lease.ts";
import * as m0003 from "./0003-list-indexes.ts";
import * as m0004 from "./0004-billing.ts";
import * as m0005 from "./0005-security.ts";
import * as m0006 from "./0006-sync-usage.ts";
import * as m0007 from "./0007-posting.ts";
import * as m0008 from "./0008-alerts.ts";
import * as m0009 from "./0009-security.ts";
import * as m0010 from "./0010-reconcile.ts";
import * as m0011 from "./0011-web-trust.ts";
import * as m0012 from "./0012-reconcile-speed.ts";
import * as m0013 from "./0013-recon-speed.ts";
import * as m0015 from "./0015-posting.ts";
import * as m0016 from "./0016-security.ts";
import * as m0017 from "./0017-alerts.ts";
import * as m0018 from "./0018-webtrust.ts";
import * as m0019 from "./0019-recon-search.ts";
import * as m0021 from "./0021-ledger-speed.ts";
import * as m0022 from "./0022-list-sort-indexes.ts";
import * as m0023 from "./0023-recon-store.ts";
import * as m0024 from "./0024-recon-changes.ts";

/** Every migration, in order. Forward-only: append, never edit or remove. */
export const migrations: Record<string, Migration> = {
  "0001-initial": m0001,
  "0002-sync-lease": m0002,
  "0003-list-indexes": m0003,
  "0004-billing": m0004,
  "0005-security": m0005,
  "0006-sync-usage": m0006,
  "0007-posting": m0007,
  "0008-alerts": m0008,
  "0009-security": m0009,
  "0010-reconcile": m0010,
  "0011-web-trust": m0011,
  "0012-reconcile-speed": m0012,
  "0013-recon-speed": m0013,
  "0015-posting": m0015,
  "0016-security": m0016,
  "0017-alerts": m0017,
  "0018-webtrust": m0018,
  "0019-recon-search": m0019,
  "0021-ledger-speed": m0021,
  "0022-list-sort-indexes": m0022,
  "0023-recon-store": m0023,
  "0024-recon-changes": m0024,
};
