import type { AppContext } from "../context.ts";
import { AuditService } from "./audit.service.ts";
import { AuthService } from "./auth.service.ts";
import { GridService } from "./grid.service.ts";
import { MappingService } from "./mapping.service.ts";
import { ModuleService } from "./module.service.ts";
import { ModuleOrganizationService } from "./module-organization.service.ts";
import { OrganizationService } from "./organization.service.ts";
import { SettingsService } from "./settings.service.ts";
import { SuggestionService } from "./suggestion/suggestion.service.ts";

/** Every use case, bound to one context. Built once at start-up (or per test file). */
export function createServices(ctx: AppContext) {
  const settings = new SettingsService(ctx);
  return {
    audit: new AuditService(ctx),
    auth: new AuthService(ctx),
    grid: new GridService(ctx, settings),
    mapping: new MappingService(ctx),
    modules: new ModuleService(ctx),
    moduleOrganizations: new ModuleOrganizationService(ctx),
    organizations: new OrganizationService(ctx),
    settings,
    suggestions: new SuggestionService(ctx),
  };
}

export type Services = ReturnType<typeof createServices>;
